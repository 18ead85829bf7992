"""Whatever the bot does not understand gets an answer for that person's role and state."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.emulator import Emulator, User
from tests.test_happy_path import route_new_incident

EXECUTOR_COMMANDS = (
    "Вам доступны:\n"
    "/my — мои открытые инциденты\n"
    "/incident N — карточка и история инцидента\n"
    "/report — отчёт за неделю, месяц или год\n"
    "/register — реестр инцидентов (таблица)\n"
    "/absent — отпуск, больничный: кто вместо\n"
    "/help — что я умею\n"
    "/cancel — отменить ввод"
)

EXECUTOR_HINT = (
    "Чтобы ответить по инциденту, ответьте на сообщение с его карточкой или нажмите под"
    " карточкой «✍️ Ответить». Фото, видео и документы — кнопкой «📎 Фото, видео, документ».\n"
    + EXECUTOR_COMMANDS
)


def counts(*users: User) -> list[int]:
    return [len(u.inbox()) for u in users]


async def test_unknown_commands_list_the_commands_of_that_role(
    cast: Cast, harness: Harness
) -> None:
    await cast.coordinator.send("/stats")
    assert cast.coordinator.last().text == (
        "Такой команды нет. Вам доступны:\n"
        "/open — все открытые инциденты\n"
        "/incident N — карточка и история инцидента\n"
        "/report — отчёт за неделю, месяц или год\n"
        "/register — реестр инцидентов (таблица)\n"
        "/absent — отпуск, больничный: кто вместо\n"
        "/absences — кто отсутствует и кто их замещает\n"
        "/status — очередь доставки сообщений\n"
        "/people — справочник: сотрудники и организации\n"
        "/audit — последние изменения справочника\n"
        "/help — что я умею\n"
        "/cancel — отменить ввод"
    )
    assert harness.app is not None
    assert await harness.app.queries.open_list() == []  # no incident of it

    await cast.head.send("/stats")
    assert cast.head.last().text == (
        "Такой команды нет. Вам доступны:\n"
        "/open — все открытые инциденты\n"
        "/incident N — карточка и история инцидента\n"
        "/report — отчёт за неделю, месяц или год\n"
        "/register — реестр инцидентов (таблица)\n"
        "/absent — отпуск, больничный: кто вместо\n"
        "/help — что я умею"
    )
    # A command of another role is not theirs: an executor has no /status.
    await cast.housing.send("/status")
    assert cast.housing.last().text == f"Такой команды нет. {EXECUTOR_COMMANDS}"
    await cast.stranger.send("/stats")
    assert "Вы не зарегистрированы в боте" in cast.stranger.last().text


async def test_executor_outside_any_input_is_told_how_to_answer(cast: Cast) -> None:
    await route_new_incident(cast)
    watchers = (cast.coordinator, cast.supervisor, cast.head)
    quiet = counts(*watchers)

    await cast.housing.send("Яму засыпали, что дальше?")
    assert cast.housing.last().text == EXECUTOR_HINT
    await cast.housing.send(None, sticker=True)
    assert cast.housing.last().text.startswith("Чтобы ответить по инциденту")
    await cast.housing.send(None, photo=True)
    assert cast.housing.last().text.startswith(
        "Чтобы приложить это к ответу, нажмите «📎 Фото, видео, документ» под карточкой инцидента"
    )
    assert counts(*watchers) == quiet  # nothing of it reaches anyone else

    # Replying to the card still writes the answer.
    await cast.housing.send("Яму засыпали.", reply_to=cast.housing.find("Инцидент №1"))
    assert "Черновик: инцидент №1" in cast.housing.last().text


async def test_an_unknown_command_while_an_answer_is_awaited_keeps_it_waiting(
    cast: Cast,
) -> None:
    await route_new_incident(cast)
    await cast.housing.click("Ответить")
    await cast.housing.send("/stats")
    assert cast.housing.last().text == (
        f"Такой команды нет. {EXECUTOR_COMMANDS}\n"
        "Бот по-прежнему ждёт ваш ввод; /cancel — отменить его."
    )
    await cast.housing.send("Яму засыпали.")
    assert "Черновик: инцидент №1" in cast.housing.last().text


async def test_deputy_head_and_head_are_sent_to_the_coordinator(cast: Cast) -> None:
    await route_new_incident(cast)
    quiet = counts(cast.coordinator, cast.housing, cast.school)

    await cast.supervisor.send("Когда починят яму во дворе?")
    assert cast.supervisor.last().text == (
        "Я не пересылаю сообщения: с вопросами по инцидентам обращайтесь к координатору МЦУ"
        " напрямую.\nВам доступны:\n"
        "/my — мои открытые инциденты\n"
        "/incident N — карточка и история инцидента\n"
        "/report — отчёт за неделю, месяц или год\n"
        "/register — реестр инцидентов (таблица)\n"
        "/absent — отпуск, больничный: кто вместо\n"
        "/help — что я умею"
    )
    await cast.head.send(None, sticker=True)
    assert cast.head.last().text.startswith("Я не пересылаю сообщения")
    assert "/open — все открытые инциденты" in cast.head.last().text
    # A post forwarded by anyone but a coordinator opens nothing: it is the coordinator's.
    await cast.head.send("Прошу доложить", forward_from_channel="Подслушано в Красноуфимске")
    assert cast.head.last().text.startswith(
        "Инцидент по посту открывает координатор МЦУ: перешлите пост ему.\nВам доступны:"
    )
    await cast.water.send("Яма на Мира", forward_from_channel="Подслушано в Красноуфимске")
    assert "перешлите пост ему" in cast.water.last().text
    assert counts(cast.coordinator, cast.housing, cast.school) == quiet  # no incident
    await cast.head.send("/open")  # their list works
    assert cast.head.last().text.startswith("Все открытые инциденты: 1")


async def test_strangers_are_told_to_get_an_invite_and_groups_stay_quiet(
    cast: Cast, emu: Emulator
) -> None:
    await cast.stranger.send("Здравствуйте")
    assert "Попросите у координатора МЦУ персональную ссылку" in cast.stranger.last().text
    group = -100500
    await cast.housing.add_bot_to_group(group)
    seen = len(emu.bot_messages(group))
    await cast.housing.send("Коллеги, кто возьмёт?", chat=group)
    await cast.housing.send("/stats", chat=group)
    assert len(emu.bot_messages(group)) == seen
