"""Files the bot makes itself (a report's workbook, its charts) go through the outbox: the
bytes wait in SQLite, are uploaded as a document or an album, and are deleted once sent."""

from __future__ import annotations

import struct
import zlib

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InputMediaPhoto

from storage.db import fetch_all
from tests.conftest import Harness, wait_until
from tests.emulator import PNG_SIGNATURE, Emulator, Fault

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK = b"PK\x03\x04" + bytes(range(256)) * 40  # any bytes: the emulator keeps them as sent


def png(width: int, height: int, shade: int) -> bytes:
    """A valid PNG of one colour: each chart of a test different."""
    row = b"\x00" + bytes([shade % 256, 40, 90]) * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def charts(count: int) -> list[tuple[str, bytes]]:
    return [(f"chart{n}.png", png(1200, 800, n)) for n in range(count)]


async def stored_files(harness: Harness) -> list[str]:
    assert harness.app is not None
    async with harness.app.db.read() as conn:
        return [r["name"] for r in await fetch_all(conn, "SELECT name FROM files ORDER BY id")]


async def outbox_rows(harness: Harness) -> list[tuple[str, int, str | None]]:
    assert harness.app is not None
    async with harness.app.db.read() as conn:
        rows = await fetch_all(conn, "SELECT state, attempts, error FROM outbox ORDER BY id")
        return [(r["state"], r["attempts"], r["error"]) for r in rows]


async def send_workbook(harness: Harness, chats: list[int], data: bytes = WORKBOOK) -> None:
    """As a use case queues it: inside its transaction, delivered once that commits."""
    assert harness.app is not None
    async with harness.app.db.transaction():
        for chat in chats:
            await harness.app.queue.send_document(
                chat, "Реестр март 2026.xlsx", data, caption="<b>Реестр</b> за март", mime=XLSX
            )


async def test_a_workbook_arrives_whole_and_is_stored_once(harness: Harness, emu: Emulator):
    chats = [50_001, 50_002, 50_003]
    for chat in chats:
        emu.open_chat(chat)
    # The last chat's first two uploads fail: it is sent after the others are done, so the
    # shared file must outlive their delivery.
    emu.faults.append(Fault("500", chat=chats[-1], times=2))
    await send_workbook(harness, chats)
    await harness.settle()
    for chat in chats:
        (message,) = emu.bot_messages(chat)
        assert message.document is not None
        assert message.document.data == WORKBOOK
        assert message.document.name == "Реестр март 2026.xlsx"
        assert message.text == "Реестр за март"
        assert message.html == "<b>Реестр</b> за март"
        document = message.data["document"]
        assert document["file_name"] == "Реестр март 2026.xlsx"
        assert document["mime_type"] == XLSX
        assert document["file_size"] == len(WORKBOOK)
    assert await stored_files(harness) == []
    assert [state for state, _, _ in await outbox_rows(harness)] == ["sent"] * 3


async def test_the_same_bytes_to_several_chats_are_kept_once(harness: Harness, emu: Emulator):
    chats = [51_001, 51_002]
    for chat in chats:
        emu.open_chat(chat)
    emu.faults.append(Fault("500", times=1000))  # nothing gets through for now
    await send_workbook(harness, chats)
    await send_workbook(harness, chats, WORKBOOK + b"!")  # another content: another row
    assert await stored_files(harness) == ["Реестр март 2026.xlsx"] * 2
    emu.faults.clear()
    await harness.settle()
    for chat in chats:
        received = [m.document.data if m.document else None for m in emu.bot_messages(chat)]
        assert received == [WORKBOOK, WORKBOOK + b"!"]
    assert await stored_files(harness) == []


@pytest.mark.parametrize(("count", "albums"), [(12, [10, 2]), (11, [10, 1]), (1, [1])])
async def test_charts_arrive_as_albums_of_ten(
    harness: Harness, emu: Emulator, count: int, albums: list[int]
):
    chat = 52_001
    emu.open_chat(chat)
    photos = charts(count)
    assert harness.app is not None
    async with harness.app.db.transaction():
        await harness.app.queue.send_photos(chat, photos, caption="Обращения <i>по дням</i>")
    await harness.settle()
    received = emu.albums(chat)
    assert [len(album) for album in received] == albums
    sent = [m for album in received for m in album]
    assert [m.photo.data if m.photo else None for m in sent] == [data for _, data in photos]
    assert [m.text for m in sent] == ["Обращения по дням"] + [""] * (count - 1)
    largest = sent[0].data["photo"][-1]
    assert (largest["width"], largest["height"]) == (1200, 800)
    assert [s["width"] for s in sent[0].data["photo"]] == [90, 320, 800, 1200]
    if albums[-1] == 1:  # one left over: a photo of its own, not an album of one
        assert emu.requests[-1].method == "sendPhoto"
    assert await stored_files(harness) == []


async def test_a_long_caption_is_cut_not_refused(harness: Harness, emu: Emulator):
    chat = 53_001
    emu.open_chat(chat)
    caption = "\n".join(f"<b>{n}.</b> организация — {n} обращений" for n in range(80))
    assert harness.app is not None
    async with harness.app.db.transaction():
        await harness.app.queue.send_photos(chat, charts(2), caption=caption)
        await harness.app.queue.send_document(chat, "r.xlsx", WORKBOOK, caption=caption)
    await harness.settle()
    album, (document,) = emu.albums(chat)
    for message in (album[0], document):
        assert 900 < len(message.text) <= 1024
        assert message.text.endswith("…")
        assert message.text.startswith("0. организация — 0 обращений\n1.")
    assert emu.failed_requests() == []


async def test_a_429_on_upload_is_waited_out(harness: Harness, emu: Emulator):
    workbook_chat, charts_chat = 54_001, 54_002
    for chat in (workbook_chat, charts_chat):
        emu.open_chat(chat)
        emu.faults.append(Fault("429", chat=chat, retry_after=1))
    await send_workbook(harness, [workbook_chat])
    assert harness.app is not None
    async with harness.app.db.transaction():
        await harness.app.queue.send_photos(charts_chat, charts(3))
    await harness.settle()
    ((document,),) = emu.albums(workbook_chat)
    (album,) = emu.albums(charts_chat)
    assert document.document is not None
    assert document.document.data == WORKBOOK
    assert [m.photo.data if m.photo else None for m in album] == [d for _, d in charts(3)]
    assert emu.http_429 == 2
    assert await outbox_rows(harness) == [("sent", 0, None), ("sent", 0, None)]
    assert await stored_files(harness) == []


async def test_a_restart_before_delivery_still_delivers(harness: Harness, emu: Emulator):
    chat = 55_001
    emu.open_chat(chat)
    emu.faults.append(Fault("500", chat=chat, times=1000))
    await send_workbook(harness, [chat])
    await wait_until(lambda: bool(emu.failed_requests()))
    await harness.kill()
    emu.faults.clear()
    await harness.start()
    await harness.settle()
    (message,) = emu.bot_messages(chat)
    assert message.document is not None
    assert message.document.data == WORKBOOK
    assert await stored_files(harness) == []


async def test_a_file_over_the_limit_is_given_up_and_forgotten(harness: Harness, emu: Emulator):
    chat = 56_001
    emu.open_chat(chat)
    emu.document_limit = len(WORKBOOK) - 1  # rather than 50 MB
    await send_workbook(harness, [chat])
    assert harness.app is not None
    async with harness.app.db.transaction():
        await harness.app.queue.send(chat, "Отчёт не поместился")
    await harness.settle()
    assert emu.sent_texts(chat) == ["Отчёт не поместился"]
    assert [r.method for r in emu.failed_requests()] == ["sendDocument"]  # not retried
    assert (await outbox_rows(harness))[0] == ("failed", 0, "Request Entity Too Large")
    assert await stored_files(harness) == []


async def test_the_emulator_refuses_what_telegram_refuses(harness: Harness, emu: Emulator):
    chat = 57_001
    emu.open_chat(chat)
    assert harness.app is not None
    bot = harness.app.bot
    image = png(100, 100, 1)
    with pytest.raises(TelegramBadRequest, match="file must be non-empty"):
        await bot.send_document(chat, BufferedInputFile(b"", "empty.xlsx"))
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(chat, BufferedInputFile(image, "a.png"), caption="я" * 1025)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(chat, BufferedInputFile(b"not an image", "a.png"))
    with pytest.raises(TelegramBadRequest, match="wrong number of media"):
        await bot.send_media_group(
            chat,
            [InputMediaPhoto(media=BufferedInputFile(image, f"{n}.png")) for n in range(11)],
        )
    with pytest.raises(TelegramBadRequest, match="there is no photo in the request"):
        await bot.send_media_group(
            chat, [InputMediaPhoto(media="attach://nothing"), InputMediaPhoto(media="attach://x")]
        )
    with pytest.raises(TelegramBadRequest, match="there is no document in the request"):
        await bot.send_document(chat, "attach://missing")
    assert emu.bot_messages(chat) == []
    # An uploaded file can be sent again by the file_id Telegram gave it.
    sent = await bot.send_document(chat, BufferedInputFile(b"data", "a.txt"))
    assert sent.document is not None
    again = await bot.send_document(chat, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
