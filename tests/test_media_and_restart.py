"""Evidence and albums; a restart in the middle of a workflow; an organisation's group chat."""

from __future__ import annotations

import contextlib
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey

from bot.handlers.states import Input
from storage.db import Database
from storage.fsm import SQLiteStorage
from tests.conftest import COORDINATOR_ID, Cast, Harness
from tests.emulator import Emulator
from tests.test_happy_path import route_new_incident


async def test_forwarded_album_opens_one_incident(cast: Cast, emu: Emulator) -> None:
    coordinator = cast.coordinator
    await coordinator.send(
        "Упало дерево на ул. Мира",
        photo=True,
        media_group_id="album1",
        forward_from_channel="Мой город",
    )
    await coordinator.send(
        None, photo=True, media_group_id="album1", forward_from_channel="Мой город"
    )
    cards = [m for m in coordinator.inbox() if "Инцидент №" in m.text]
    assert len(cards) == 1
    assert "📎 Вложений в посте: 2" in cards[0].text
    await coordinator.click("Обычное")
    await coordinator.click("ЖКХ")
    await coordinator.click("УРЖКК")
    # The executor gets the post's photos as an album, then the card.
    inbox = cast.housing.inbox()
    assert [m.media for m in inbox[-3:-1]] == ["photo", "photo"]
    assert inbox[-3].data["media_group_id"] == inbox[-2].data["media_group_id"]
    assert "Упало дерево" in inbox[-1].text


async def test_evidence_album_reaches_coordinator(cast: Cast, emu: Emulator) -> None:
    await route_new_incident(cast)
    housing = cast.housing
    await housing.click("Фото, видео")
    assert "Пришлите фото, видео или документы" in housing.last().text
    await housing.send(None, photo=True, media_group_id="ev1")
    await housing.send(None, photo=True, media_group_id="ev1")
    await housing.send(None, video=True, media_group_id="ev1")
    acknowledgements = [m for m in housing.inbox() if "Вложение добавлено" in m.text]
    assert len(acknowledgements) == 1  # one per album, not one per photo
    await housing.send(None, document=True)
    await housing.send("а это текст, не файл")
    assert "Пришлите фото, видео или документ" in housing.last().text
    await housing.click("Готово")
    preview = housing.last()
    assert "Текст ещё не написан" in preview.text
    assert "📎 Вложений: 4" in preview.text
    answer = await housing.click("Отправить на согласование", preview)
    assert answer["text"] == "Сначала напишите текст ответа."
    await housing.click("Изменить текст", preview)
    await housing.send("Дерево убрано, фото до и после.")
    preview = housing.last()
    assert "📎 Вложений: 4" in preview.text
    await housing.click("Отправить на согласование", preview)

    coordinator_inbox = cast.coordinator.inbox()
    approval = cast.coordinator.find("На согласование")
    index = coordinator_inbox.index(approval)
    media = coordinator_inbox[index - 4 : index]
    assert [m.media for m in media] == ["photo", "photo", "video", "document"]
    assert media[0].data["media_group_id"] == media[2].data["media_group_id"]
    assert "📎 Вложений: 4" in approval.text

    await cast.coordinator.click("Согласовать", approval)
    after = cast.coordinator.inbox()[len(coordinator_inbox) :]
    assert "ответ согласован" in after[0].text
    assert [m.media for m in after[1:5]] == ["photo", "photo", "video", "document"]
    assert after[-1].text == "Дерево убрано, фото до и после."
    assert not emu.failed_requests()


async def test_photo_with_caption_as_the_answer(cast: Cast) -> None:
    await route_new_incident(cast)
    await cast.housing.click("Ответить")
    await cast.housing.send("Засыпали, см. фото", photo=True)
    preview = cast.housing.last()
    assert "Засыпали, см. фото" in preview.text
    assert "📎 Вложений: 1" in preview.text


async def test_reply_to_card_writes_a_draft(cast: Cast) -> None:
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    await cast.housing.send("Ответ прямо на карточку", reply_to=card)
    preview = cast.housing.last()
    assert "Черновик: инцидент №1" in preview.text
    assert "Ответ прямо на карточку" in preview.text
    assert "в работе у исполнителя" in card.text  # writing means taking it on


async def test_a_coordinator_who_is_also_an_executor_answers_by_reply(
    cast: Cast, harness: Harness
) -> None:
    """Posts are taken before every other router: a reply to an executor's card from someone
    who also coordinates must still be an answer, and their other messages still posts."""
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    settings = harness.settings_overrides
    harness.settings_overrides = lambda: {  # type: ignore[method-assign]
        **settings(),
        "coordinator_ids": f"{COORDINATOR_ID},{cast.housing.id}",
    }
    await harness.restart()

    await cast.housing.send("Ответ прямо на карточку", reply_to=card)
    assert "Черновик: инцидент №1" in cast.housing.last().text
    await cast.housing.send("Во дворе упало дерево", forward_from_channel="Мой город")
    assert "Инцидент №2" in cast.housing.last().text


async def test_restart_in_the_middle(cast: Cast, harness: Harness, emu: Emulator) -> None:
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    await cast.housing.click("Принять", card)
    await cast.housing.click("Ответить", card)  # the bot now waits for the text

    await harness.restart()

    await cast.housing.send("Текст, написанный после перезапуска бота.")
    preview = cast.housing.last()
    assert "Черновик: инцидент №1" in preview.text
    await cast.housing.click("Отправить на согласование", preview)
    assert "черновик ответа на согласовании" in card.text  # old card, still edited in place
    approval = cast.coordinator.find("На согласование")

    await harness.restart()

    await cast.coordinator.click("На доработку", approval)
    await harness.restart()
    await cast.coordinator.send("Добавьте адрес.")  # the reason, typed after a restart
    assert "возвращён на доработку" in approval.text
    assert "Добавьте адрес." in cast.housing.last().text
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state == "rework"
    assert [e.action for e in view.events][-3:] == ["accepted", "submitted", "returned"]


async def test_cards_go_to_the_organisation_group(cast: Cast, emu: Emulator) -> None:
    group = -100500
    await cast.housing.add_bot_to_group(group)
    assert "Группа подключена" in emu.bot_messages(group)[-1].text
    assert "МКУ «УРЖКК»" in emu.bot_messages(group)[-1].text
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1", chat=group)
    assert all("Инцидент №1" not in m.text for m in cast.housing.inbox())
    # A stranger in the group cannot act; a member can.
    answer = await cast.stranger.click("Принять", card)
    assert "не зарегистрированы" in answer["text"]
    await cast.housing.click("Ответить", card)
    # Privacy mode: only a reply to the bot's question reaches it, and the question asks
    # for one, of the person who pressed.
    question = emu.bot_messages(group)[-1]
    assert question.force_reply == {"force_reply": True, "selective": True}
    assert question.text.startswith("Анна Иванова:\nНапишите текст ответа по инциденту №1")
    assert f'<a href="tg://user?id={cast.housing.id}">Анна Иванова</a>' in question.html
    seen = len(emu.bot_messages(group))
    await cast.housing.send("Просто разговор в группе", chat=group)
    assert len(emu.bot_messages(group)) == seen  # never reached the bot
    await cast.housing.send("Ответ из группы", chat=group, reply_to=question)
    preview = emu.bot_messages(group)[-1]
    assert "Черновик: инцидент №1" in preview.text
    assert "Ответ из группы" in preview.text
    await cast.housing.send("И ещё строка.", chat=group, reply_to=preview)  # adds to it
    assert "Ответ из группы\nИ ещё строка." in emu.bot_messages(group)[-1].text

    await cast.stranger.add_bot_to_group(-100600)
    assert "может только исполнитель" in emu.bot_messages(-100600)[-1].text


async def test_a_new_card_is_what_the_database_shows(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    """A new incident's card is drawn from what was just written, not read back; drawn again
    from the database it is the same, so refreshing it edits nothing."""
    coordinator = cast.coordinator
    await coordinator.send(
        "Во дворе яма https://vk.com/wall-1_2", forward_from_channel="Мой город", photo=True
    )
    card = coordinator.inbox()[-1]
    assert "Инцидент №1" in card.text
    assert "📎 Вложений в посте: 1" in card.text
    assert harness.app is not None
    app = harness.app
    async with app.db.transaction():
        view = await app.queries.view(1)
        assert view is not None
        leaders = await app.notifier.recipients.leaders(view.incident.owner_id)
        await app.notifier.refresh(view, await app.notifier.routing(view), leaders)
    await harness.settle()
    assert [r for r in emu.requests if r.method.startswith("editMessage")] == []
    assert coordinator.inbox()[-1].text == card.text


async def test_a_dialog_state_is_kept_only_once_committed(tmp_path: Path) -> None:
    """aiogram asks for the state of every update, so it is kept in memory too: a handler
    that fails must not leave its new state there, and what committed survives a restart."""
    db = await Database.open(tmp_path / "fsm.sqlite3")
    try:
        key = StorageKey(bot_id=1, chat_id=5, user_id=5)
        storage = SQLiteStorage(db)
        await storage.set_state(key, Input.decline_reason)
        assert await storage.get_state(key) == Input.decline_reason.state

        with contextlib.suppress(RuntimeError):
            async with db.transaction():
                await storage.set_state(key, Input.answer_text)
                assert await storage.get_state(key) == Input.answer_text.state  # its own
                raise RuntimeError("the handler failed")
        assert await storage.get_state(key) == Input.decline_reason.state

        assert await SQLiteStorage(db).get_state(key) == Input.decline_reason.state
    finally:
        await db.close()
