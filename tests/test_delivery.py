"""Delivery through the outbox: Telegram's limits, failures, crashes, edits on their way."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import sqlite3
import time
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.model import State
from bot.domain.records import Incident
from bot.keyboards.callbacks import IncidentAct, IncidentCb
from bot.keyboards.incident import executor_card
from bot.services.message_queue import digest
from bot.texts import Texts
from storage import outbox
from tests.conftest import START, TIMEZONE, Cast, Harness, wait_until
from tests.emulator import Emulator, Fault, Limits
from tests.test_happy_path import route_new_incident

# Telegram's limits, ten times faster: the pacing is the same, in a tenth of the time.
SCALE = 10


async def queue(harness: Harness, chats: list[int], per_chat: int) -> None:
    """The workflow's way of producing notifications: queued in one transaction."""
    assert harness.app is not None
    app = harness.app
    async with app.db.transaction():
        for n in range(per_chat):
            for chat in chats:
                await app.queue.send(chat, f"уведомление {chat}-{n}")


def in_order(emu: Emulator, chat: int, per_chat: int) -> bool:
    return emu.sent_texts(chat) == [f"уведомление {chat}-{n}" for n in range(per_chat)]


async def telegram_limits(harness: Harness, emu: Emulator) -> None:
    await harness.stop()
    harness.send_per_second = 30.0 * SCALE
    harness.send_private_interval = 1.0 / SCALE
    harness.send_group_interval = 3.0 / SCALE
    emu.limits = Limits(scale=SCALE)
    await harness.start()


def outbox_rows(harness: Harness) -> list[tuple[str, int, str | None]]:
    with contextlib.closing(sqlite3.connect(harness.db_path)) as conn:
        return conn.execute("SELECT state, attempts, error FROM outbox ORDER BY id").fetchall()


async def test_burst_is_delivered_in_order_within_limits(harness: Harness, emu: Emulator):
    await telegram_limits(harness, emu)
    chats = [10_000 + n for n in range(45)] + [-500_000 - n for n in range(5)]
    for chat in chats:
        emu.open_chat(chat)
    began = time.monotonic()
    await queue(harness, chats, 6)  # 300 notifications to 50 chats
    await harness.settle(within=90)
    took = time.monotonic() - began
    assert all(in_order(emu, chat, 6) for chat in chats)
    assert emu.violations == []
    assert emu.http_429 == 0
    # Five groups of six at 20 a minute need 15 s (a tenth of it here); the rest fits in it.
    assert took < 40 / SCALE


async def test_crash_in_the_middle_of_a_burst_loses_nothing(harness: Harness, emu: Emulator):
    await telegram_limits(harness, emu)
    chats = [20_000 + n for n in range(10)]
    for chat in chats:
        emu.open_chat(chat)
    await queue(harness, chats, 5)
    await wait_until(lambda: sum(len(emu.sent_texts(c)) for c in chats) >= 15)
    await harness.kill()
    delivered_before = sum(len(emu.sent_texts(c)) for c in chats)
    assert delivered_before < 50
    await harness.start()
    await harness.settle(within=60)
    for chat in chats:
        texts = emu.sent_texts(chat)
        # At least once, in order: a message in flight at the crash may come twice.
        assert list(dict.fromkeys(texts)) == [f"уведомление {chat}-{n}" for n in range(5)]
    assert emu.violations == []


async def test_429_waits_for_that_chat_only(harness: Harness, emu: Emulator):
    slow, fast = 30_001, 30_002
    emu.open_chat(slow)
    emu.open_chat(fast)
    emu.faults.append(Fault("429", chat=slow, retry_after=1))
    began = time.monotonic()
    await queue(harness, [slow, fast], 2)
    await wait_until(lambda: len(emu.sent_texts(fast)) == 2)
    fast_done = time.monotonic() - began
    await harness.settle()
    assert fast_done < 0.9  # the other chat did not wait
    assert time.monotonic() - began >= 1.0
    assert in_order(emu, slow, 2)
    assert emu.http_429 == 1
    assert [attempts for _, attempts, _ in outbox_rows(harness)] == [0, 0, 0, 0]  # not counted


async def test_server_errors_and_dropped_connections_are_retried(harness: Harness, emu: Emulator):
    chat = 40_001
    emu.open_chat(chat)
    emu.faults += [Fault("500", chat=chat, times=2), Fault("drop", chat=chat, times=1)]
    await queue(harness, [chat], 3)
    await harness.settle()
    assert in_order(emu, chat, 3)
    failed = [r.error for r in emu.requests if r.error]
    assert failed.count("Internal Server Error") == 2
    assert "dropped" in failed


async def test_a_proxy_error_page_is_retried_with_backoff_and_counted(
    harness: Harness, emu: Emulator
):
    """A non-JSON answer (a proxy's HTML «502 Bad Gateway»; aiogram raises ClientDecodeError)
    is a passing failure like a 5xx: retried after a growing pause, each try counted towards
    giving up."""
    chat = 40_002
    emu.open_chat(chat)
    emu.faults.append(Fault("html502", chat=chat, times=3))
    await queue(harness, [chat], 1)
    await harness.settle()
    assert in_order(emu, chat, 1)
    tries = [r.at for r in emu.requests if r.method == "sendMessage"]
    assert len(tries) == 4
    pauses = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert pauses[2] > pauses[0]  # backing off: 0.05, 0.1, 0.2 s (± half)
    [(state, attempts, _error)] = outbox_rows(harness)
    assert (state, attempts) == ("sent", 3)


async def test_blocked_executor_is_reported_to_the_coordinator_once(
    cast: Cast, harness: Harness, emu: Emulator
):
    emu.faults.append(Fault("blocked", chat=cast.housing.id))
    await route_new_incident(cast)
    warnings = [m for m in cast.coordinator.inbox() if "Не удаётся доставить" in m.text]
    assert len(warnings) == 1
    assert "Иванова Анна Сергеевна (МКУ «УРЖКК») — бот заблокирован" in warnings[0].text
    await route_new_incident(cast, text="Второй пост")
    assert len([m for m in cast.coordinator.inbox() if "Не удаётся доставить" in m.text]) == 1
    await cast.coordinator.send("/status")
    status = cast.coordinator.last().text
    assert "Не доставлено (ошибки): 2" in status
    assert "Недоступных чатов: 1" in status


async def test_an_edit_that_changes_while_on_its_way_is_sent_again(
    cast: Cast, harness: Harness, emu: Emulator
):
    """A newer edit of a card merges into the pending one; if that one is being sent at that
    moment, it goes again with the newer text rather than being marked sent with the old."""
    await route_new_incident(cast)
    housing, coordinator = cast.housing, cast.coordinator
    await housing.click("Ответить")
    await housing.send("Разберёмся.")
    preview = housing.last()
    card = housing.find("Инцидент №1")
    # The executor's edits after the submission take a while on their way to Telegram.
    emu.faults.append(
        Fault("delay", chat=housing.id, method="editmessagetext", delay=0.6, times=2)
    )
    with harness.hurried():
        await housing.click("Отправить на согласование", preview)
        await wait_until(lambda: any("На согласование" in m.text for m in coordinator.inbox()))
        await coordinator.click("На доработку", coordinator.find("На согласование"))
        await coordinator.send("Укажите сроки.")  # while the first edit is still on its way
    await harness.settle()
    assert "черновик на доработке" in card.text
    assert "возвращён на доработку" in preview.text
    assert [state for state, _, _ in outbox_rows(harness)].count("pending") == 0


async def test_an_edit_sent_again_after_its_answer_was_lost_counts_as_done(
    cast: Cast, harness: Harness, emu: Emulator
):
    """The edit reached Telegram but its answer did not: sent again, it is «message is not
    modified», which means it is done."""
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    emu.faults.append(Fault("lose_answer", chat=cast.housing.id, method="editmessagetext"))
    await cast.housing.click("Принять", card)
    assert "в работе у исполнителя" in card.text
    errors = [r.error for r in emu.requests if r.method == "editMessageText" and r.error]
    assert errors[0] == "answer lost"
    assert errors[1].startswith("Bad Request: message is not modified")
    assert {state for state, _, _ in outbox_rows(harness)} == {"sent"}


async def test_a_message_queued_by_a_rolled_back_change_is_never_sent(
    harness: Harness, emu: Emulator
):
    """The sender is woken only once the transaction that queued a message has committed;
    a transaction that fails takes its messages with it."""
    assert harness.app is not None
    app = harness.app
    chat = 10_000
    emu.open_chat(chat)
    with contextlib.suppress(RuntimeError):
        async with app.db.transaction():
            await app.queue.send(chat, "не должно уйти")
            raise RuntimeError("the change fails after queueing")
    await app.queue.send(chat, "ушло")
    await harness.settle()
    assert emu.sent_texts(chat) == ["ушло"]
    async with app.db.read() as conn:
        stats = await outbox.stats(conn)
    assert (stats.pending, stats.failed) == (0, 0)


async def test_a_message_goes_as_soon_as_its_transaction_commits(harness: Harness, emu: Emulator):
    """Woken before the commit, the sender would find nothing yet and doze (up to 5 s)."""
    assert harness.app is not None
    app = harness.app
    chat = 10_000
    emu.open_chat(chat)
    async with app.db.transaction():
        await app.queue.send(chat, "после фиксации")
        await asyncio.sleep(0.3)
    await wait_until(lambda: emu.sent_texts(chat) == ["после фиксации"], within=2)


def test_cards_shown_by_an_earlier_version_are_not_edited_again() -> None:
    """What a card shows is kept as a digest of its text and keyboard; a card sent before
    the keyboards were built with aiogram's builder must match, or every card would be
    edited once more for nothing."""
    stored_before = hashlib.sha1(
        json.dumps(
            [
                "Карточка",
                InlineKeyboardMarkup(
                    inline_keyboard=[
                        [
                            InlineKeyboardButton(text="✍️ Ответить", callback_data="i1:ans:7"),
                            InlineKeyboardButton(
                                text="📎 Фото, видео, документ", callback_data="i1:att:7"
                            ),
                        ]
                    ]
                ).model_dump(mode="json", exclude_none=True),
            ],
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
    ).hexdigest()
    incident = Incident(
        7, State.REWORK, None, False, "", None, None, START, None, 1, START, None, 1
    )
    markup = executor_card(Texts(ZoneInfo(TIMEZONE)), incident)
    assert markup is not None
    assert (
        markup.inline_keyboard[0][0].callback_data
        == IncidentCb(act=IncidentAct.ANSWER, incident=7).pack()
    )
    assert digest("Карточка", markup) == stored_before


async def test_a_crash_that_meets_a_wake_up_still_stops(harness: Harness) -> None:
    """The sender woken at the very moment it is killed stops all the same (on Python 3.11
    asyncio.wait_for swallowed such a cancel, and the kill waited for ever)."""
    assert harness.app is not None
    await harness.settle()
    harness.app.sender.wake()
    killing = asyncio.create_task(harness.kill())
    done, _ = await asyncio.wait({killing}, timeout=10)  # a bound for "never", not a speed
    assert done == {killing}
