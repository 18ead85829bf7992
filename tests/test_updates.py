"""Receiving updates: confirmed only after the commit, once each, answered after the commit,
failures handled again or kept aside, the webhook's secret, a clean stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.config import load_settings
from tests.conftest import COORDINATOR_ID, TOKEN, Cast, Harness, wait_until
from tests.emulator import Emulator, Fault, User
from tests.test_fallback import EXECUTOR_HINT
from tests.test_happy_path import route_new_incident


def rows(harness: Harness, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(harness.db_path)) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.polling
async def test_redelivered_update_changes_nothing_twice(cast: Cast, harness: Harness, emu):
    fields = {"text": "Пост для дубля", "forward_origin": emu.channel_post()}
    post = cast.coordinator._message(cast.coordinator.id, fields)
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
    assert len(await harness.app.queries.open_list()) == 1
    assert "№1" in cast.coordinator.last().text
    assert "№2" not in cast.coordinator.last().text


async def test_a_refused_tap_is_handled_once_and_answered_once(
    cast: Cast, harness: Harness, emu: Emulator
):
    """A refusal is the update's answer: committed as handled with it, so the same tap
    delivered again is neither refused nor answered a second time."""
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    accept = card.button("Принять")
    assert accept is not None
    emu.callback_answers["again"] = {}
    update = {
        "update_id": 500,
        "callback_query": {
            "id": "again",
            "from": cast.school.json,  # another organisation's executor
            "chat_instance": "ci",
            "message": card.data,
            "data": accept["callback_data"],
        },
    }
    await harness.feed(update)
    await harness.settle()
    assert emu.callback_answers["again"]["text"] == "Инцидент направлен не вашей организации."
    assert rows(harness, "SELECT update_id FROM processed_updates WHERE update_id = 500")
    await harness.feed(update)
    await harness.settle()
    answers = [r for r in emu.requests if r.method == "answerCallbackQuery"]
    assert [r.params["callback_query_id"] for r in answers].count("again") == 1
    assert "направлен исполнителю, ждёт принятия" in card.text


async def test_a_button_is_answered_only_after_its_change_has_committed(
    cast: Cast, harness: Harness, emu: Emulator
):
    """The toast confirms what is stored, and no request to Telegram is made while the
    transaction is open."""
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


@pytest.mark.polling
async def test_a_slow_button_answer_holds_up_nobody(cast: Cast, harness: Harness, emu: Emulator):
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    accept = card.button("Принять")
    assert accept is not None
    emu.faults.append(Fault("delay", method="answercallbackquery", delay=1.5))
    emu.callback_answers["slow"] = {}
    pressed = emu.push(
        {
            "callback_query": {
                "id": "slow",
                "from": cast.housing.json,
                "chat_instance": "ci",
                "message": card.data,
                "data": accept["callback_data"],
            }
        }
    )
    await emu.handled(pressed)
    began = time.monotonic()
    text = {"text": "/open"}
    asked = emu.push({"message": cast.coordinator._message(cast.coordinator.id, text).data})
    await emu.handled(asked)
    assert time.monotonic() - began < 0.75  # not behind the second and a half of that answer
    await wait_until(lambda: "Все открытые инциденты" in cast.coordinator.last().text)
    assert emu.callback_answers["slow"] == {}  # still on its way
    await harness.settle()
    assert emu.callback_answers["slow"]["text"] == "Принято в работу"


async def test_a_proxy_error_page_in_answer_to_a_button_does_not_undo_the_action(
    cast: Cast, harness: Harness, emu: Emulator, caplog: pytest.LogCaptureFixture
):
    """The action is committed before the button is answered: an HTML «502 Bad Gateway»
    instead of the answer's JSON costs the spinner, not the action, and is not called an
    internal error."""
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    accept = card.button("Принять")
    assert accept is not None
    emu.faults.append(Fault("html502", method="answercallbackquery"))
    answer = await cast.housing.press(card, accept["callback_data"], answered=False)
    assert answer == {}
    assert "в работе у исполнителя" in card.text
    assert not [m for m in cast.housing.inbox() if "внутренней ошибки" in m.text]
    assert "event=callback_answer_failed" in caplog.text
    assert "ClientDecodeError" in caplog.text


@pytest.mark.polling
async def test_an_update_that_fails_for_a_passing_reason_is_handled_again(
    cast: Cast, harness: Harness, emu: Emulator
):
    assert harness.app is not None
    intake = harness.app.intake
    open_incident = intake.open_incident
    failures: list[int] = []

    async def busy_once(*args: Any, **kwargs: Any) -> Any:
        if not failures:
            failures.append(1)
            raise sqlite3.OperationalError("database is locked")
        return await open_incident(*args, **kwargs)

    intake.open_incident = busy_once  # type: ignore[method-assign]
    await cast.coordinator.send("Во дворе яма", forward_from_channel="Мой город")
    assert failures == [1]
    assert "Инцидент №1" in cast.coordinator.last().text
    assert not [m for m in cast.coordinator.inbox() if "внутренней ошибки" in m.text]
    assert rows(harness, "SELECT COUNT(*) FROM failed_updates") == [(0,)]


@pytest.mark.polling
async def test_an_update_that_keeps_failing_is_kept_aside_and_the_others_go_on(
    cast: Cast, harness: Harness, emu: Emulator
):
    """Each try rolls back; after a few the update is kept for the administrator, its
    sender is told, and the updates behind it are handled."""
    assert harness.app is not None
    intake = harness.app.intake
    open_incident = intake.open_incident

    async def failing_on_one_post(actor: Any, chat_id: int, text: str, **kwargs: Any) -> Any:
        if text == "сбой":
            raise RuntimeError("simulated failure")
        return await open_incident(actor, chat_id, text=text, **kwargs)

    intake.open_incident = failing_on_one_post  # type: ignore[method-assign]
    before = {user.id: len(user.inbox()) for user in (cast.housing, cast.coordinator, cast.water)}
    batch = [(cast.housing, "привет"), (cast.coordinator, "сбой"), (cast.water, "добрый день")]
    # The coordinator's is a forwarded post; the others, words to the bot.
    fields: list[dict[str, Any]] = [{"text": t} for _, t in batch]
    fields[1]["forward_origin"] = emu.channel_post()
    pushed = [
        emu.push({"message": u._message(u.id, f).data})
        for (u, _), f in zip(batch, fields, strict=True)
    ]
    await emu.handled(pushed[-1], within=20)
    await harness.settle()

    for user in (cast.housing, cast.water):
        assert [m.text for m in user.inbox()[before[user.id] :]] == [EXECUTOR_HINT]
    replies = [m.text for m in cast.coordinator.inbox()[before[cast.coordinator.id] :]]
    assert len(replies) == 1
    assert replies[0].startswith("Не получилось выполнить действие")
    assert await harness.app.queries.open_list() == []
    [(update_id, error)] = rows(harness, "SELECT update_id, error FROM failed_updates")
    assert update_id == pushed[1]
    assert "simulated failure" in error
    await cast.coordinator.send("/status")
    assert "не удалось обработать (сохранены в базе, таблица failed_updates): 1" in (
        cast.coordinator.last().text
    )


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
        message = coordinator._message(
            COORDINATOR_ID, {"text": "Пост через вебхук", "forward_origin": emu.channel_post()}
        )
        update = {"update_id": 1, "message": message.data}
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as http:
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as bad:
                assert bad.status == 401
            async with http.post(url, json=update) as missing:
                assert missing.status == 401
            assert await app.queries.open_list() == []
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            ) as good:
                assert good.status == 200
        # Answered only after handling: the incident is already stored.
        assert len(await app.queries.open_list()) == 1
        await wait_until(lambda: bool(coordinator.inbox()))
        assert "Инцидент №1" in coordinator.last().text
    finally:
        await app.stop()
        await task
        await app.close()


@pytest.mark.polling
async def test_a_clean_stop_logs_no_error(
    cast: Cast, harness: Harness, caplog: pytest.LogCaptureFixture
):
    await harness.stop()
    harness.schedule = True
    await harness.start()
    await route_new_incident(cast)
    caplog.clear()
    caplog.set_level(logging.INFO)
    await harness.stop()
    assert "event=stop mode=polling" in caplog.text
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_each_commit_is_on_disk_before_it_is_confirmed(harness: Harness):
    """synchronous=FULL: a commit already confirmed to Telegram survives a power cut."""
    assert harness.app is not None
    async with harness.app.db.read() as conn:
        rows = await conn.execute_fetchall("PRAGMA synchronous")
    assert next(iter(rows))[0] == 2  # FULL
