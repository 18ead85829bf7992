"""Times as people write them, one message for reminders a correction made past, long posts
cut between words (issue 15, item 16)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from aiogram.exceptions import TelegramBadRequest

from bot.domain.calendar import parse_local_time
from bot.texts import split_words, visible_length
from tests.conftest import START, TIMEZONE, Cast, FakeClock, Harness
from tests.emulator import Emulator, utf16_len
from tests.test_happy_path import route_new_incident

TZ = ZoneInfo(TIMEZONE)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05.03.2026 14:30", "2026-03-05 14:30"),
        ("1.3 9:05", "2026-03-01 09:05"),
        ("6 марта 11:00", "2026-03-06 11:00"),
        ("6 мар. 2025 11:00", "2025-03-06 11:00"),
        ("28 декабря в 23:10", "2025-12-28 23:10"),  # nearer last year than this
        ("11:00", "2026-03-02 11:00"),
        ("  Вчера   15:30 ", "2026-03-01 15:30"),
        ("позавчера, 7:45", "2026-02-28 07:45"),
        ("сегодня 8:00", "2026-03-02 08:00"),
    ],
)
def test_detected_time_forms(raw: str, expected: str) -> None:
    parsed = parse_local_time(raw, START, TZ)
    assert parsed is not None
    assert parsed.tzinfo is TZ
    assert parsed.strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    "raw", ["", "завтра 10:00", "31.02.2026 10:00", "6 мартобря 11:00", "25:00", "11", "6 марта"]
)
def test_malformed_times_are_refused(raw: str) -> None:
    assert parse_local_time(raw, START, TZ) is None


async def test_coordinator_writes_the_detected_time_as_people_do(cast: Cast) -> None:
    await route_new_incident(cast)
    coordinator = cast.coordinator
    await coordinator.click("Время обнаружения")
    prompt = coordinator.last().text
    assert "«11:00» (сегодня), «вчера 15:30», «6 марта 11:00» или «06.03.2026 11:00»" in prompt

    await coordinator.send("в обед")
    assert coordinator.last().text.startswith(
        "Не понял время «в обед». Напишите, например, «11:00»"
    )
    await coordinator.send("11:00")  # today, but it is 10:00 now
    assert "не может быть в будущем" in coordinator.last().text
    await coordinator.send("вчера 15:30")
    assert "Время обнаружения инцидента №1 изменено" in coordinator.last().text
    assert "Обнаружен: 01.03.2026 15:30" in cast.housing.find("Инцидент №1").text

    await coordinator.click("Время обнаружения")
    await coordinator.send("2 марта 9:15")
    assert "Обнаружен: 02.03.2026 09:15" in coordinator.find("Инцидент №1").text


async def test_a_correction_into_the_past_is_told_once_per_stage(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await route_new_incident(cast)  # Monday 02.03.2026 10:00; the answer term from detection
    people = (cast.coordinator, cast.housing, cast.supervisor, cast.head, cast.water)
    seen = {u.id: len(u.inbox()) for u in people}
    # Detected on Thursday: the answer term ran out then, its three escalations since, and
    # the Head's moment too.
    await cast.coordinator.click("Время обнаружения")
    await cast.coordinator.send("26.02.2026 10:00")
    seen[cast.coordinator.id] = len(cast.coordinator.inbox())
    assert harness.app is not None
    notices = await harness.app.reminders.tick()
    await harness.settle()
    assert [(n.stage, n.kind) for n in notices] == [("answer", "head")]
    assert not await harness.app.reminders.tick()  # nothing left to catch up

    def news(user_id: int) -> list[str]:
        user = next(u for u in people if u.id == user_id)
        return [m.text for m in user.inbox()[seen[user_id] :]]

    (executor,) = news(cast.housing.id)
    assert executor.startswith("⌛ Инцидент №1: срок «ответ» (МКУ «УРЖКК») истёк 26.02.2026")
    for watcher in (cast.coordinator, cast.supervisor):
        (alarm,) = news(watcher.id)
        assert alarm.startswith("🚨 Просрочка по инциденту №1")
        assert "Уведомление 3 из 3" in alarm
    (head,) = news(cast.head.id)
    assert "долгая просрочка по инциденту №1" in head
    assert news(cast.water.id) == []

    # The decline window is quiet (p. 11): nothing more comes of it.
    clock.set_local("2026-03-02T10:31")
    assert await harness.app.reminders.tick() == []


def test_split_words_keeps_words_and_limits() -> None:
    words = ["слово", "😀эмодзи", "длинное-предлинное"] * 400
    text = " ".join(words)
    parts = split_words(text, limit=1000)
    assert all(utf16_len(p) <= 1000 and p.strip() for p in parts)
    assert " ".join(parts) == text  # cut only at spaces, nothing lost
    assert split_words("x" * 2500, limit=1000) == ["x" * 1000, "x" * 1000, "x" * 500]
    assert split_words("  \n ") == []


async def test_incident_command_shows_a_long_post_in_parts(cast: Cast, emu: Emulator) -> None:
    words = [f"слово{n}" for n in range(1000)]
    post = " ".join(words)  # about 8 900 characters, one line: three messages
    assert len(post) > 6000
    await cast.coordinator.send(post, forward_from_channel="Подслушано в Красноуфимске")
    seen = len(cast.coordinator.inbox())
    await cast.coordinator.send("/incident 1")
    shown = [m.text for m in cast.coordinator.inbox()[seen:]]
    card, *parts, history = shown
    assert card.startswith("Инцидент №1")
    assert history.startswith("История инцидента №1")
    assert len(parts) == 3
    assert all(utf16_len(p) <= 4096 for p in shown)
    assert " ".join(parts) == post  # every word whole, none lost
    assert not emu.failed_requests()


async def test_a_long_decline_reason_is_shown_whole_and_nothing_is_refused(
    cast: Cast, emu: Emulator
) -> None:
    await route_new_incident(cast)
    reason = " ".join(["Это сети водоканала, не наша зона ответственности."] * 80)
    assert 4000 < len(reason) <= 4096  # as long as one Telegram message can be
    await cast.housing.click("Не наше")
    await cast.housing.send(reason)
    # The coordinator's notice: the reason in full, the re-routing buttons on its last part.
    head, reason_part, last = cast.coordinator.inbox()[-3:]
    assert head.text.startswith("↩️ Инцидент №1 возвращён: МКУ «УРЖКК»")
    assert reason_part.text.startswith("Причина: Это сети водоканала")
    assert reason_part.text.count("не наша зона ответственности") == 80
    assert last.text == "Выберите, кому направить его теперь."
    assert last.buttons[0] == "МУП «Междуреченский водоканал»"
    # The card quotes the start of the reason only; both copies are still edited.
    card = cast.coordinator.find("Инцидент №1 ·")
    assert "Причина: Это сети водоканала" in card.text
    assert card.text.count("не наша зона ответственности") < 10
    assert "возвращён исполнителем" in cast.housing.find("Инцидент №1 ·").text

    seen = len(cast.coordinator.inbox())
    await cast.coordinator.send("/incident 1")
    shown = [m.text for m in cast.coordinator.inbox()[seen:]]
    assert shown[0].startswith("Инцидент №1")
    history = " ".join(shown[1:])
    assert history.startswith("История инцидента №1")
    assert len(shown) == 4  # the card; the history, its line of the reason cut in two
    # Cut between words: every word of the reason is there, whole.
    assert " ".join(history.split()).count("не наша зона ответственности") == 80
    assert all(utf16_len(t) <= 4096 for t in shown)
    assert not emu.failed_requests()


async def test_the_emulator_counts_length_as_telegram_does(harness: Harness, cast: Cast) -> None:
    """Characters of the parsed text (code points), not UTF-16 units, markup not counted."""
    assert harness.app is not None
    bot, chat = harness.app.bot, cast.coordinator.id
    await bot.send_message(chat, "😀" * 4096)  # 8 192 UTF-16 units: Telegram takes it
    await bot.send_message(chat, "<b>" + "я" * 4096 + "</b>  \n", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(chat, "я" * 4097)
    # The bot's own measure is stricter (UTF-16 units), so it never sends what is refused.
    assert visible_length("😀" * 2049) > 4096
