"""Delivery through the outbox: Telegram's limits, failures, crashes, webhooks, redelivery."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import create_app
from bot.config import load_settings
from bot.keyboards.callbacks import IncidentAct, IncidentCb
from bot.keyboards.layout import Keyboard
from bot.notifier import _digest
from storage import outbox
from tests.conftest import COORDINATOR_ID, TOKEN, Cast, Harness, wait_until
from tests.emulator import Emulator, Fault, Limits, User
from tests.test_happy_path import route_new_incident


async def queue(harness: Harness, chats: list[int], per_chat: int) -> None:
    """The workflow's way of producing notifications: queued in one transaction."""
    assert harness.app is not None
    app = harness.app
    async with app.db.transaction():
        for n in range(per_chat):
            for chat in chats:
                await app.notifier.send(chat, f"уведомление {chat}-{n}")


def in_order(emu: Emulator, chat: int, per_chat: int) -> bool:
    return emu.sent_texts(chat) == [f"уведомление {chat}-{n}" for n in range(per_chat)]


async def real_limits(harness: Harness, emu: Emulator) -> None:
    await harness.stop()
    harness.send_per_second, harness.send_private_interval = 30.0, 1.0
    harness.send_group_interval = 3.0
    emu.limits = Limits()
    await harness.start()


async def test_burst_is_delivered_in_order_within_limits(harness: Harness, emu: Emulator):
    await real_limits(harness, emu)
    chats = [10_000 + n for n in range(45)] + [-500_000 - n for n in range(5)]
    for chat in chats:
        emu.open_chat(chat)
    began = time.monotonic()
    await queue(harness, chats, 10)  # 500 notifications to 50 chats
    await harness.settle(within=90)
    took = time.monotonic() - began
    assert all(in_order(emu, chat, 10) for chat in chats)
    assert emu.violations == []
    assert emu.http_429 == 0
    # Five groups of ten at 20 a minute need 27 s; the rest fits in that time.
    assert took < 60


async def test_crash_in_the_middle_of_a_burst_loses_nothing(harness: Harness, emu: Emulator):
    await real_limits(harness, emu)
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


async def test_redelivered_update_changes_nothing_twice(cast: Cast, harness: Harness, emu):
    post = cast.coordinator._message(cast.coordinator.id, {"text": "Пост для дубля"})
    update = {"message": post.data}
    first = emu.push(update)
    await emu.handled(first)
    await harness.settle()
    emu._updates.append({"update_id": first, **update})  # Telegram sends it again
    emu._new_update.set()
    second = emu.push(
        {"message": cast.coordinator._message(cast.coordinator.id, {"text": "/open"}).data}
    )
    await emu.handled(second)
    await harness.settle()
    assert harness.app is not None
    assert len(await harness.app.workflow.open_incidents()) == 1
    assert "№1" in cast.coordinator.last().text
    assert "№2" not in cast.coordinator.last().text


async def test_a_button_is_answered_only_after_its_change_has_committed(
    cast: Cast, harness: Harness, emu: Emulator
):
    """The toast confirms what is stored, and no request to Telegram is made while the
    transaction is open (it would hold up every other chat's update meanwhile)."""
    await route_new_incident(cast)
    stored_when_answered: list[str] = []
    answer = emu.api_answercallbackquery

    async def looking_at_the_database(params: dict[str, Any]) -> bool:
        with contextlib.closing(sqlite3.connect(harness.db_path)) as conn:
            (state,) = conn.execute("SELECT state FROM incidents WHERE id = 1").fetchone()
        stored_when_answered.append(state)
        return await answer(params)

    emu.api_answercallbackquery = looking_at_the_database  # type: ignore[method-assign,assignment]
    reply = await cast.housing.click("Принять")
    assert reply["text"] == "Принято в работу"
    assert stored_when_answered == ["in_progress"]


async def test_a_failing_update_does_not_take_the_others_of_its_batch_with_it(
    cast: Cast, harness: Harness, emu: Emulator, caplog: pytest.LogCaptureFixture
):
    """Updates arriving together share a commit; when one fails, the others are handled
    again on their own: each answered exactly once, the failing one told of the error."""
    assert harness.app is not None
    workflow = harness.app.workflow
    open_incident = workflow.open_incident

    async def failing_on_one_post(actor: Any, text: str, **kwargs: Any) -> Any:
        if text == "сбой":
            raise RuntimeError("simulated failure")
        return await open_incident(actor, text=text, **kwargs)

    workflow.open_incident = failing_on_one_post  # type: ignore[method-assign]
    caplog.set_level(logging.INFO, logger="storage.db")
    before = {user.id: len(user.inbox()) for user in (cast.housing, cast.coordinator, cast.water)}
    batch = [(cast.housing, "привет"), (cast.coordinator, "сбой"), (cast.water, "добрый день")]
    pushed = [emu.push({"message": u._message(u.id, {"text": t}).data}) for u, t in batch]
    await emu.handled(pushed[-1])
    await harness.settle()

    assert "event=group_rolled_back" in caplog.text  # the three did share a transaction
    for user in (cast.housing, cast.water):
        replies = [m.text for m in user.inbox()[before[user.id] :]]
        assert replies == [
            "Пересылать посты в бот может только координатор МЦУ. Команда /help "
            "расскажет, что доступно вам."
        ]
    replies = [m.text for m in cast.coordinator.inbox()[before[cast.coordinator.id] :]]
    assert len(replies) == 1
    assert replies[0].startswith("Не получилось выполнить действие")
    assert await workflow.open_incidents() == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_checks_the_secret(emu: Emulator, tmp_path: Path):
    port = free_port()
    settings = load_settings(
        bot_token=TOKEN,
        timezone="Asia/Yekaterinburg",
        coordinator_ids=str(COORDINATOR_ID),
        bot_api_url=emu.url,
        database_path=tmp_path / "db.sqlite3",
        _env_file=None,
        webhook_url="https://mcu.example.org/telegram",
        webhook_secret="s3cret-Token_1",
        webhook_port=port,
        send_per_second=0,
        send_private_interval=0,
    )
    app = await create_app(settings, emu.clock)
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    coordinator = User(emu, COORDINATOR_ID, "Ольга")
    try:
        await wait_until(lambda: bool(emu.webhook))
        assert emu.webhook["url"] == "https://mcu.example.org/telegram"
        assert emu.webhook["secret_token"] == "s3cret-Token_1"
        message = coordinator._message(COORDINATOR_ID, {"text": "Пост через вебхук"})
        update = {"update_id": 1, "message": message.data}
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as http:
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as bad:
                assert bad.status == 401
            async with http.post(url, json=update) as missing:
                assert missing.status == 401
            assert await app.workflow.open_incidents() == []
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            ) as good:
                assert good.status == 200
        # Answered only after handling: the incident is already stored.
        assert len(await app.workflow.open_incidents()) == 1
        await wait_until(lambda: bool(coordinator.inbox()))
        assert "Инцидент №1" in coordinator.last().text
    finally:
        app.stop()
        await task
        await app.close()


async def test_no_filter_or_handler_runs_in_a_worker_thread(harness: Harness):
    """aiogram passes a plain (non-async) callback, a bare `F` filter included, through
    asyncio.to_thread: a thread hop per check that cut inbound throughput by a quarter."""
    assert harness.app is not None
    in_threads = []
    for router in harness.app.dispatcher.chain_tail:
        for kind, observer in router.observers.items():
            checks: list[CallableObject] = list(observer._handler.filters or [])
            for handler in observer.handlers:
                checks += [handler, *(handler.filters or [])]
            in_threads += [
                f"{router.name}.{kind}: {c.callback}" for c in checks if not c.awaitable
            ]
    assert in_threads == []


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
            await app.notifier.send(chat, "не должно уйти")
            raise RuntimeError("the change fails after queueing")
    await app.notifier.send(chat, "ушло")
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
        await app.notifier.send(chat, "после фиксации")
        await asyncio.sleep(0.3)
    await wait_until(lambda: emu.sent_texts(chat) == ["после фиксации"], within=2)


def test_plain_keyboards_keep_the_digest_of_cards_already_shown() -> None:
    """Keyboards became plain data; a card shown before the change must not count as changed
    (and be edited again) only because its keyboard is no longer a pydantic model."""
    built = Keyboard()
    built.button(text="Выявлено", callback_data=IncidentCb(act=IncidentAct.DETECTED, incident=7))
    built.button(text="Принять", callback_data=IncidentCb(act=IncidentAct.ACCEPT, incident=7))
    built.adjust(2)
    as_before = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Выявлено", callback_data="i1:det:7"),
                InlineKeyboardButton(text="Принять", callback_data="i1:acc:7"),
            ]
        ]
    )
    stored_before = hashlib.sha1(
        json.dumps(
            ["Карточка", as_before.model_dump(mode="json", exclude_none=True)],
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
    ).hexdigest()
    assert built.as_markup().as_aiogram() == as_before
    assert _digest("Карточка", built.as_markup()) == stored_before
