"""A local Telegram Bot API emulator: an aiohttp server speaking the Bot API's JSON for the
methods the bot uses, enforcing Telegram's documented limits, and simulating people.

The bot under test is the real aiogram Bot and Dispatcher, polling this server over HTTP.
The bot asks for the next batch of updates (which confirms the previous one) only after the
batch is handled and committed, so once an update is confirmed its handling is complete; the
helpers wait for that, then for the bot's outbox to drain, before they return.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import mimetypes
import re
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from aiohttp import web

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALBUM_LIMIT = 10
DOCUMENT_LIMIT = 50 * 1024 * 1024  # a bot uploads documents of up to 50 MB
PHOTO_LIMIT = 10 * 1024 * 1024  # and photos of up to 10 MB
PHOTO_SIZES = (90, 320, 800, 1280, 2560)  # the longer side of the sizes Telegram keeps
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Telegram tells a document's type by its name; the system's table may lack these.
MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
JSON_FIELDS = {
    "reply_markup",
    "media",
    "scope",
    "commands",
    "allowed_updates",
    "entities",
    "caption_entities",
    "link_preview_options",
    "reply_parameters",
}
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[<>&]"
)


# Methods that send or change a message: Telegram's rate limits apply to these.
COUNTED = {
    "sendmessage",
    "sendphoto",
    "sendvideo",
    "senddocument",
    "sendmediagroup",
    "editmessagetext",
    "editmessagereplymarkup",
}


@dataclass
class Limits:
    """Telegram's limits, as the emulator enforces them when asked to. `scale` speeds them
    up alike (2: twice the messages a second, half the interval in a chat, the same count
    to a group in half a minute), for tests that check the pacing without waiting out
    Telegram's real time."""

    per_second: int = 30  # in any one-second window, all chats together
    private_interval: float = 1.0  # between two messages to one private chat
    group_per_minute: int = 20  # in any one-minute window, to one group
    scale: float = 1.0


@dataclass
class Fault:
    """A failure to inject: on the next `times` requests to `chat` (any if None) that send
    or change a message, or else of `method` (lower case, e.g. "answercallbackquery").

    "drop" closes the connection before the request is carried out, "lose_answer" after
    (the change is made, its answer never arrives); "html502" answers with a proxy's HTML
    error page instead of JSON."""

    kind: str  # "429", "500", "drop", "lose_answer", "html502", "delay", "blocked"
    chat: int | None = None
    times: int = 1
    retry_after: int = 1
    delay: float = 0.0
    method: str | None = None

    def applies(self, method: str, chat: int) -> bool:
        if self.times <= 0 or self.chat not in (None, chat):
            return False
        return method == self.method if self.method else method in COUNTED


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def parse_html(text: str) -> str:
    """Validate Telegram HTML as the Bot API does; return the plain text a user sees."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        plain.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        offset = len(text[: match.start()].encode())
        if match.group(2):
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if tag not in ALLOWED_TAGS:
                raise ApiError(
                    400,
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}" at byte offset {offset}',
                )
            if closing:
                if not stack or stack[-1] != tag:
                    raise ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unmatched end tag at byte offset {offset}, expected "</{stack[-1] if stack else ""}>", found "</{tag}>"',
                    )
                stack.pop()
            else:
                attrs = match.group(3) or ""
                if tag == "a" and "href=" not in attrs:
                    raise ApiError(
                        400, "Bad Request: can't parse entities: href attribute is missing"
                    )
                stack.append(tag)
        elif match.group(4):
            entity = match.group(4)
            if not entity.startswith("#") and entity not in {"lt", "gt", "amp", "quot"}:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Unsupported HTML entity &{entity}; at byte offset {offset}",
                )
            plain.append(html.unescape(token))
        elif token == "<":
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: Unexpected end of name token at byte offset {offset}",
            )
        elif token == "&":
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: Can't find end of the entity starting at byte offset {offset}",
            )
        else:
            plain.append(token)
    plain.append(text[pos:])
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"",
        )
    return "".join(plain)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_keyboard(markup: dict[str, Any] | None, *, inline_only: bool = False) -> None:
    """As Telegram checks reply_markup; an edit takes an inline keyboard only."""
    if markup is None:
        return
    if "force_reply" in markup and inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "force_reply" in markup:
        if markup["force_reply"] is not True or len(markup) > 3:
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        return
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array',
        )
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (a multipart part): its name, the type it came with, bytes."""

    name: str
    content_type: str
    data: bytes


@dataclass
class Msg:
    """A message as the emulator keeps it: its Bot API JSON plus the HTML it was sent with."""

    data: dict[str, Any]
    html: str = ""
    silent: bool = False  # sent with disable_notification: no sound on the user's phone
    # ForceReply asked for (the user's app opens a reply); Telegram does not return it.
    force_reply: dict[str, Any] | None = None
    upload: Upload | None = None  # the file the bot uploaded with it, as it came

    @property
    def document(self) -> Upload | None:
        """The uploaded file of a document the bot sent."""
        return self.upload if "document" in self.data else None

    @property
    def photo(self) -> Upload | None:
        """The uploaded image of a photo the bot sent."""
        return self.upload if "photo" in self.data else None

    @property
    def id(self) -> int:
        return int(self.data["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.data["chat"]["id"])

    @property
    def text(self) -> str:
        return str(self.data.get("text") or self.data.get("caption") or "")

    @property
    def from_bot(self) -> bool:
        return bool(self.data.get("from", {}).get("is_bot"))

    @property
    def forces_reply(self) -> bool:
        return self.force_reply is not None

    @property
    def buttons(self) -> list[str]:
        markup = self.data.get("reply_markup") or {}
        return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, label: str) -> dict[str, Any] | None:
        markup = self.data.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for b in row:
                if label in b["text"]:
                    return dict(b)
        return None

    @property
    def media(self) -> str | None:
        for kind in ("photo", "video", "document"):
            if kind in self.data:
                return kind
        return None

    def __repr__(self) -> str:
        return f"Msg({self.chat_id}/{self.id} {self.text[:60]!r} {self.buttons})"


@dataclass
class Request:
    method: str
    params: dict[str, Any]
    at: float
    error: str | None = None


@dataclass
class Emulator:
    token: str
    bot_id: int = 7000001
    bot_username: str = "mcu_test_bot"
    requests: list[Request] = field(default_factory=list)
    chats: dict[int, list[Msg]] = field(default_factory=dict)
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    # Where message dates come from: the tests' controlled clock.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Awaited after each update is handled: lets the bot's outbox deliver first.
    settle: Callable[[], Awaitable[None]] | None = None
    # Set by a test that feeds updates to the bot's dispatcher in process (no polling):
    # called with each update, returns once it is handled.
    deliver: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    limits: Limits | None = None
    faults: list[Fault] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    http_429: int = 0
    webhook: dict[str, Any] = field(default_factory=dict)
    document_limit: int = DOCUMENT_LIMIT  # a test may lower it rather than upload 50 MB

    def now(self) -> int:
        return int(self.clock().timestamp())

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self.post_ids = itertools.count(70)  # posts of the channels people forward from
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._confirmed = 0
        self.confirmed_at = 0.0  # time.monotonic() when the bot last confirmed updates
        self.pushed_at: dict[int, float] = {}  # update_id: when it was made available
        self.confirmed_times: dict[int, float] = {}  # update_id: when the bot confirmed it
        self._players: set[asyncio.Task[None]] = set()
        self._confirmed_changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._accepted: list[tuple[float, int]] = []  # (arrival, chat) of counted requests
        self.bot_sent: dict[int, int] = {}  # messages from the bot per chat
        self.last_sent_at = 0.0  # time.monotonic() of the bot's latest message

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "МЦУ-бот",
            "username": self.bot_username,
        }

    # --- server --------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        # Room for an upload over Telegram's limit, which the method refuses as Telegram does.
        app = web.Application(client_max_size=max(DOCUMENT_LIMIT, self.document_limit) * 2)
        app.router.add_post("/bot{token}/{method}", self._handle)
        # Control routes for a benchmark that runs the emulator in a process of its own.
        app.router.add_post("/_control/message", self._control_message)
        app.router.add_post("/_control/burst", self._control_burst)
        app.router.add_get("/_control/sent", self._control_sent)
        app.router.add_post("/_control/open", self._control_open)
        app.router.add_post("/_control/play", self._control_play)
        app.router.add_get("/_control/timings", self._control_timings)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def _control_message(self, request: web.Request) -> web.Response:
        """A person writes to the bot: {"user": id, "text": "…"}."""
        body = await request.json()
        user = User(self, int(body["user"]), "Собеседник")
        message = user._message(user.id, {"text": body["text"]})
        return web.json_response({"update_id": self.push({"message": message.data})})

    async def _control_burst(self, request: web.Request) -> web.Response:
        """Many people write at once: {"users": [id, …], "count": n}, the users in turn.
        Made here, so that producing the load costs the bot under test nothing."""
        body = await request.json()
        users = [User(self, int(user), "Собеседник") for user in body["users"]]
        last = 0
        for n in range(int(body["count"])):
            user = users[n % len(users)]
            last = self.push({"message": user._message(user.id, {"text": f"Пост {n}"}).data})
        # CLOCK_MONOTONIC is system-wide: comparable with a benchmark's own clock.
        return web.json_response({"at": time.monotonic(), "last_update_id": last})

    async def _control_play(self, request: web.Request) -> web.Response:
        """People act at a steady rate, whatever the bot does (an open-loop load):
        {"rate": updates a second (0: all at once), "steps": [{"user": id, "text": "…"} or
        {"user": id, "data": "callback data"}, …]}. Returns at once; /_control/timings
        tells when each update was made available and when the bot confirmed it."""
        body = await request.json()
        task = asyncio.create_task(self._play(float(body["rate"]), list(body["steps"])))
        self._players.add(task)
        task.add_done_callback(self._players.discard)
        return web.json_response({"steps": len(body["steps"])})

    async def _play(self, rate: float, steps: list[dict[str, Any]]) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        for n, step in enumerate(steps):
            if rate > 0:
                await asyncio.sleep(max(0.0, began + n / rate - loop.time()))
            user = User(self, int(step["user"]), "Собеседник")
            if "data" in step:
                query_id = f"play{n}"
                self.callback_answers[query_id] = {}
                card = {"message_id": 1, "date": self.now(), "chat": self._chat_object(user.id)}
                update = {
                    "callback_query": {
                        "id": query_id,
                        "from": user.json,
                        "chat_instance": "ci",
                        "message": {**card, "text": "…"},
                        "data": step["data"],
                    }
                }
            else:
                fields: dict[str, Any] = {"text": step["text"]}
                if step.get("forward"):
                    fields["forward_origin"] = self.channel_post()
                update = {"message": user._message(user.id, fields).data}
            self.pushed_at[self.push(update)] = time.monotonic()

    async def _control_timings(self, request: web.Request) -> web.Response:
        # CLOCK_MONOTONIC is system-wide: comparable with a benchmark's own clock.
        return web.json_response(
            {
                "pushed": {str(k): v for k, v in self.pushed_at.items()},
                "confirmed": {str(k): v for k, v in self.confirmed_times.items()},
            }
        )

    async def _control_open(self, request: web.Request) -> web.Response:
        """These people have started the bot: {"chats": [id, …]}."""
        for chat in (await request.json())["chats"]:
            self.open_chat(int(chat))
        return web.json_response({"ok": True})

    async def _control_sent(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "sent": {str(k): v for k, v in self.bot_sent.items()},
                "http_429": self.http_429,
                "violations": len(self.violations),
                # CLOCK_MONOTONIC is system-wide: comparable with a benchmark's own clock.
                "last_sent_at": self.last_sent_at,
                "confirmed": self._confirmed,
                "confirmed_at": self.confirmed_at,
            }
        )

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        entry = Request(method, params, time.monotonic())
        self.requests.append(entry)
        handler = getattr(self, "api_" + method.lower(), None)
        chat = int(params.get("chat_id", 0) or 0)
        lost = False
        try:
            lost = await self._inject(request, method.lower(), chat)
            if method.lower() in COUNTED:
                self._check_limits(chat)
        except ApiError as exc:
            entry.error = exc.description
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                self.http_429 += 1
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.code)
        except ConnectionResetError:
            entry.error = "dropped"
            raise
        except web.HTTPBadGateway:
            entry.error = "502 Bad Gateway"
            raise
        if handler is None:
            entry.error = "not emulated"
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 404,
                    "description": f"Not Found: method {method} not emulated",
                },
                status=404,
            )
        try:
            result = await handler(params)
        except ApiError as exc:
            entry.error = exc.description
            return web.json_response(
                {"ok": False, "error_code": exc.code, "description": exc.description},
                status=exc.code,
            )
        if lost:
            entry.error = "answer lost"
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("the answer was lost")
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        """A form's fields, or a JSON body's, as Telegram reads them: a JSON field
        (reply_markup, media) may come as an object or as its serialised text; an uploaded
        file (multipart) is an Upload, under its part's name (which `attach://name` names)."""
        if request.content_type == "application/json":
            fields: dict[str, Any] = await request.json()
        else:
            fields = dict(await request.post())
        params: dict[str, Any] = {}
        for key, value in fields.items():
            if key in JSON_FIELDS and isinstance(value, str):
                value = json.loads(value)
            elif isinstance(value, web.FileField):
                value = Upload(value.filename, value.content_type, value.file.read())
            elif isinstance(value, bytes | bytearray):
                value = value.decode()
            params[key] = value
        return params

    async def _inject(self, request: web.Request, method: str, chat: int) -> bool:
        """Raise the first applicable fault; True if the answer is to be lost."""
        for fault in self.faults:
            if not fault.applies(method, chat):
                continue
            fault.times -= 1
            if fault.kind == "429":
                raise ApiError(
                    429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after
                )
            if fault.kind == "500":
                raise ApiError(500, "Internal Server Error")
            if fault.kind == "html502":
                raise web.HTTPBadGateway(
                    text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                    content_type="text/html",
                )
            if fault.kind == "blocked":
                fault.times += 1  # a user who blocked the bot stays blocked
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if fault.kind == "delay":
                await asyncio.sleep(fault.delay)
            if fault.kind == "drop":
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError("dropped by the emulator")
            return fault.kind == "lose_answer"
        return False

    def _check_limits(self, chat: int) -> None:
        """Refuse, as Telegram does, a request over the limits, and remember it."""
        now = time.monotonic()
        if self.limits is not None:
            limits, scale = self.limits, self.limits.scale
            per_second, minute = limits.per_second * scale, 60.0 / scale
            recent = [t for t, _ in self._accepted if now - t < 1.0]
            if len(recent) >= per_second:
                self._violate(f"over {per_second:.0f}/s in total")
            mine = [t for t, c in self._accepted if c == chat]
            interval = limits.private_interval / scale
            if chat > 0 and mine and now - mine[-1] < interval:
                self._violate(f"private chat {chat}: {now - mine[-1]:.3f}s after the last")
            if chat < 0 and len([t for t in mine if now - t < minute]) >= limits.group_per_minute:
                self._violate(f"group {chat}: over {limits.group_per_minute} in {minute:.0f}s")
        self._accepted.append((now, chat))

    def _violate(self, what: str) -> None:
        self.violations.append(what)
        raise ApiError(429, "Too Many Requests: retry after 1", 1)

    # --- Bot API methods -----------------------------------------------------------------

    async def api_getme(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def api_getupdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset", 0))
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            async with self._confirmed_changed:
                if offset - 1 > self._confirmed:
                    self.confirmed_at = time.monotonic()
                    for update_id in range(self._confirmed + 1, offset):
                        self.confirmed_times[update_id] = self.confirmed_at
                    self._confirmed = offset - 1
                self._confirmed_changed.notify_all()
        if not self._updates:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), float(p.get("timeout", 0)))
            except TimeoutError:
                return []
        return self._updates[: int(p.get("limit", 100))]  # Telegram gives at most 100

    async def api_deletewebhook(self, p: dict[str, Any]) -> bool:
        return True

    async def api_setwebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = dict(p)
        return True

    async def api_setmycommands(self, p: dict[str, Any]) -> bool:
        scope = p.get("scope") or {"type": "default"}
        key = scope["type"] + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        for command in p["commands"]:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[key] = p["commands"]
        return True

    def _chat(self, chat_id: Any) -> int:
        chat = int(chat_id)
        if chat not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _text(self, p: dict[str, Any], key: str, limit: int) -> tuple[str, str]:
        raw = str(p.get(key, ""))
        plain = parse_html(raw) if p.get("parse_mode") == "HTML" else raw
        if key == "text" and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        # Telegram counts the parsed text's characters (Unicode code points, as tdlib's
        # utf8_length; an emoji is one, though entity offsets count it as two UTF-16 units),
        # once whitespace at either end is trimmed.
        if len(plain.strip()) > limit:
            raise ApiError(
                400,
                "Bad Request: message is too long"
                if key == "text"
                else "Bad Request: message caption is too long",
            )
        return raw, plain

    def _reply_to(self, p: dict[str, Any], chat: int) -> dict[str, Any] | None:
        target = (p.get("reply_parameters") or {}).get("message_id") or p.get(
            "reply_to_message_id"
        )
        if not target:
            return None
        found = self.find(chat, int(target))
        if found is None:
            raise ApiError(400, "Bad Request: message to be replied not found")
        return found.data

    def _new_message(
        self,
        chat: int,
        fields: dict[str, Any],
        html_text: str = "",
        sender: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Msg:
        counter = self._message_ids.setdefault(chat, itertools.count(1))
        data = {
            "message_id": next(counter),
            "date": self.now(),
            "chat": self._chat_object(chat),
            "from": sender or self.bot_user,
            **fields,
        }
        silent = (params or {}).get("disable_notification") in (True, "true", "True")
        message = Msg(data, html_text, silent)
        self.chats.setdefault(chat, []).append(message)
        if sender is None:
            self.bot_sent[chat] = self.bot_sent.get(chat, 0) + 1
            self.last_sent_at = time.monotonic()
        return message

    def _chat_object(self, chat: int) -> dict[str, Any]:
        if chat < 0:
            return {"id": chat, "type": "supergroup", "title": f"Группа {chat}"}
        return {"id": chat, "type": "private", "first_name": f"user{chat}"}

    async def api_sendmessage(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p["chat_id"])
        raw, plain = self._text(p, "text", TEXT_LIMIT)
        markup = p.get("reply_markup")
        check_keyboard(markup)
        fields: dict[str, Any] = {"text": plain}
        forced = markup if markup and "force_reply" in markup else None
        if markup and not forced:
            fields["reply_markup"] = markup  # only inline keyboards come back in the message
        reply = self._reply_to(p, chat)
        if reply:
            fields["reply_to_message"] = reply
        message = self._new_message(chat, fields, raw, params=p)
        message.force_reply = forced
        return message.data

    async def api_editmessagetext(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p["chat_id"])
        message = self.find(chat, int(p["message_id"]))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        raw, plain = self._text(p, "text", TEXT_LIMIT)
        markup = p.get("reply_markup")
        check_keyboard(markup, inline_only=True)
        if raw == message.html and markup == message.data.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content "
                "and reply markup of the message",
            )
        message.data["text"] = plain
        message.html = raw
        message.data["edit_date"] = self.now()
        if markup:
            message.data["reply_markup"] = markup
        else:
            message.data.pop("reply_markup", None)
        return message.data

    async def api_editmessagereplymarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p["chat_id"])
        message = self.find(chat, int(p["message_id"]))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = p.get("reply_markup")
        check_keyboard(markup, inline_only=True)
        if (markup or None) == message.data.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content "
                "and reply markup of the message",
            )
        if markup:
            message.data["reply_markup"] = markup
        else:
            message.data.pop("reply_markup", None)
        return message.data

    async def api_answercallbackquery(self, p: dict[str, Any]) -> bool:
        query_id = p["callback_query_id"]
        if query_id not in self.callback_answers:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or "
                "query ID is invalid",
            )
        if self.callback_answers[query_id]:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or "
                "query ID is invalid",
            )
        if len(p.get("text", "")) > CALLBACK_ANSWER_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {
            "text": p.get("text"),
            "show_alert": p.get("show_alert") in (True, "true"),
        }
        return True

    def _file(self, file_id: str) -> str:
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return file_id

    @staticmethod
    def _upload(kind: str, value: Any, p: dict[str, Any]) -> Upload | None:
        """The file uploaded for `value`: the part itself, or the one `attach://name` names
        (None: `value` is a file_id). A missing or empty file is refused, as by Telegram."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.get(value.removeprefix("attach://"))
            if not isinstance(value, Upload):
                raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if not isinstance(value, Upload):
            return None
        if not value.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        return value

    def _uploaded_fields(self, kind: str, upload: Upload) -> dict[str, Any]:
        """The message fields Telegram answers an upload with; the file can be sent again
        by its new file_id."""
        size = len(upload.data)
        if size > (PHOTO_LIMIT if kind == "photo" else self.document_limit):
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            width, height = _image_size(upload.data)
            if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        file_id = f"UP{next(self._file_ids)}"
        self.files.add(file_id)
        if kind == "photo":
            sizes = []
            for n, side in enumerate(PHOTO_SIZES):
                scale = min(1.0, side / max(width, height))
                sizes.append(
                    {
                        "file_id": f"{file_id}_{n}",
                        "file_unique_id": f"u{file_id}_{n}",
                        "width": max(1, round(width * scale)),
                        "height": max(1, round(height * scale)),
                        "file_size": max(1, round(size * scale * scale)),
                    }
                )
                if scale == 1.0:
                    break
            sizes[-1]["file_id"] = file_id  # the largest: the one sent again
            return {"photo": sizes}
        mime = MIME_TYPES.get(PurePath(upload.name).suffix.lower())
        mime = mime or mimetypes.guess_type(upload.name)[0]
        mime = mime or upload.content_type
        return {
            "document": {
                "file_id": file_id,
                "file_unique_id": "u" + file_id,
                "file_name": upload.name,
                "mime_type": mime,
                "file_size": size,
            }
        }

    def _media_fields(self, kind: str, file_id: str) -> dict[str, Any]:
        self._file(file_id)
        unique = "u" + file_id
        if kind == "photo":
            return {
                "photo": [
                    {"file_id": file_id, "file_unique_id": unique, "width": 800, "height": 600}
                ]
            }
        if kind == "video":
            return {
                "video": {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "width": 640,
                    "height": 480,
                    "duration": 5,
                }
            }
        if kind == "sticker":
            return {
                "sticker": {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            }
        return {"document": {"file_id": file_id, "file_unique_id": unique}}

    async def _send_media(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p["chat_id"])
        if kind not in p:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        upload = self._upload(kind, p[kind], p)
        raw = ""
        caption = None
        if p.get("caption"):
            raw, caption = self._text(p, "caption", CAPTION_LIMIT)
        fields = (
            self._uploaded_fields(kind, upload) if upload else self._media_fields(kind, p[kind])
        )
        if caption is not None:
            fields["caption"] = caption
        markup = p.get("reply_markup")
        check_keyboard(markup)
        if markup:
            fields["reply_markup"] = markup
        message = self._new_message(chat, fields, raw, params=p)
        message.upload = upload
        return message.data

    async def api_sendphoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("photo", p)

    async def api_sendvideo(self, p: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("video", p)

    async def api_senddocument(self, p: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("document", p)

    async def api_sendmediagroup(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._chat(p["chat_id"])
        items = p["media"]
        if not 2 <= len(items) <= ALBUM_LIMIT:
            raise ApiError(400, "Bad Request: wrong number of media in the album")
        kinds = {i["type"] for i in items}
        if "document" in kinds and kinds != {"document"}:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        # All is checked before anything is sent: Telegram sends an album whole or not at all.
        prepared = []
        for item in items:
            upload = self._upload(item["type"], item["media"], p)
            raw = ""
            caption = None
            if item.get("caption"):
                raw, caption = self._text(item, "caption", CAPTION_LIMIT)
            if upload:
                fields = self._uploaded_fields(item["type"], upload)
            else:
                fields = self._media_fields(item["type"], item["media"])
            if caption is not None:
                fields["caption"] = caption
            prepared.append((fields, raw, upload))
        group = f"g{next(self._file_ids)}"
        sent = []
        for fields, raw, upload in prepared:
            fields["media_group_id"] = group
            message = self._new_message(chat, fields, raw, params=p)
            message.upload = upload
            sent.append(message.data)
        return sent

    # --- what tests look at --------------------------------------------------------------

    def channel_post(self, title: str = "Мой город", date: int | None = None) -> dict[str, Any]:
        """The `forward_origin` of a post forwarded from a channel."""
        return {
            "type": "channel",
            "chat": {"id": -1001234567890, "type": "channel", "title": title},
            "message_id": next(self.post_ids),
            "date": date or self.now() - 3600 - next(self.post_ids),
        }

    def find(self, chat: int, message_id: int) -> Msg | None:
        for message in self.chats.get(chat, []):
            if message.id == message_id:
                return message
        return None

    def bot_messages(self, chat: int) -> list[Msg]:
        return [m for m in self.chats.get(chat, []) if m.from_bot]

    def albums(self, chat: int) -> list[list[Msg]]:
        """The bot's media messages in this chat, grouped as they arrived: an album's items
        together, a photo or document sent on its own as a group of one."""
        groups: list[list[Msg]] = []
        for message in self.bot_messages(chat):
            if message.media is None:
                continue
            group = message.data.get("media_group_id")
            if group and groups and groups[-1][0].data.get("media_group_id") == group:
                groups[-1].append(message)
            else:
                groups.append([message])
        return groups

    def failed_requests(self) -> list[Request]:
        return [r for r in self.requests if r.error]

    # --- people and their updates --------------------------------------------------------

    def open_chat(self, chat: int) -> None:
        self.chats.setdefault(chat, [])

    def new_file(self) -> str:
        file_id = f"FILE{next(self._file_ids)}"
        self.files.add(file_id)
        return file_id

    def sent_texts(self, chat: int) -> list[str]:
        return [m.text for m in self.bot_messages(chat)]

    def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    async def handled(self, update_id: int, within: float = 10) -> None:
        """Wait until the bot has confirmed (and so, fully handled) this update."""
        async with self._confirmed_changed:
            await asyncio.wait_for(
                self._confirmed_changed.wait_for(lambda: self._confirmed >= update_id), within
            )


def _image_size(data: bytes) -> tuple[int, int]:
    """An image's width and height, as Telegram reads them before it accepts a photo (PNG
    from its header; JPEG taken as 800×600); anything else is refused."""
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8\xff"):
        return 800, 600
    raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")


class User:
    """A simulated person in Telegram, with a private chat with the bot."""

    def __init__(
        self, emu: Emulator, user_id: int, first_name: str, last_name: str | None = None
    ) -> None:
        self.emu = emu
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        emu.open_chat(user_id)

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "ru",
        }
        if self.last_name:
            data["last_name"] = self.last_name
        return data

    def _message(self, chat: int, fields: dict[str, Any]) -> Msg:
        return self.emu._new_message(chat, fields, sender=self.json)

    async def _deliver(self, update: dict[str, Any]) -> None:
        if self.emu.deliver is not None:
            await self.emu.deliver({"update_id": next(self.emu._update_ids), **update})
        else:
            await self.emu.handled(self.emu.push(update))
        if self.emu.settle is not None:
            await self.emu.settle()

    async def send(
        self,
        text: str | None = None,
        *,
        chat: int | None = None,
        reply_to: Msg | None = None,
        photo: bool = False,
        video: bool = False,
        document: bool = False,
        sticker: bool = False,
        media_group_id: str | None = None,
        forward_from_channel: str | None = None,
        forward_from_user: str | None = None,
        forward_date: int | None = None,
    ) -> Msg:
        """Send (or forward) a message; returns once the bot has handled it. A forwarded post
        has the date it was published, each a different second unless `forward_date` says
        (the parts of one long post share it)."""
        chat = self.id if chat is None else chat
        fields: dict[str, Any] = {}
        entities_key = "entities"
        kinds = {"photo": photo, "video": video, "document": document, "sticker": sticker}
        kind = next((k for k, wanted in kinds.items() if wanted), None)
        if kind:
            file_id = self.emu.new_file()
            fields.update(self.emu._media_fields(kind, file_id))
            entities_key = "caption_entities"
            if text is not None:
                fields["caption"] = text
        elif text is not None:
            fields["text"] = text
        if text:
            urls = list(re.finditer(r"https?://\S+", text))
            if urls:
                fields[entities_key] = [
                    {
                        "type": "url",
                        "offset": utf16_len(text[: m.start()]),
                        "length": utf16_len(m.group(0)),
                    }
                    for m in urls
                ]
            if text.startswith("/"):
                command = text.split()[0]
                fields["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
                ]
        if media_group_id:
            fields["media_group_id"] = media_group_id
        if reply_to is not None:
            fields["reply_to_message"] = reply_to.data
        if forward_from_channel:
            fields["forward_origin"] = self.emu.channel_post(forward_from_channel, forward_date)
        if forward_from_user:  # a person's post, shared from a chat (hidden: by name only)
            fields["forward_origin"] = {
                "type": "hidden_user",
                "sender_user_name": forward_from_user,
                "date": forward_date or self.emu.now() - 3600 - next(self.emu.post_ids),
            }
        message = self._message(chat, fields)
        if chat < 0 and not self._seen_in_group(text, reply_to):
            return message  # privacy mode: the group's talk does not reach the bot
        await self._deliver({"message": message.data})
        return message

    def _seen_in_group(self, text: str | None, reply_to: Msg | None) -> bool:
        """Telegram's default privacy mode: in a group the bot gets commands and replies to
        its own messages, nothing else."""
        return bool((text or "").startswith("/") or (reply_to is not None and reply_to.from_bot))

    def inbox(self, chat: int | None = None) -> list[Msg]:
        return self.emu.bot_messages(self.id if chat is None else chat)

    def last(self, chat: int | None = None) -> Msg:
        return self.inbox(chat)[-1]

    def find(self, needle: str, chat: int | None = None) -> Msg:
        """The latest bot message in this chat containing `needle`."""
        for message in reversed(self.inbox(chat)):
            if needle in message.text:
                return message
        raise AssertionError(f"no message with {needle!r} in {self.inbox(chat)}")

    async def click(
        self, label: str, message: Msg | None = None, *, chat: int | None = None
    ) -> dict[str, Any]:
        """Press the button whose label contains `label` on `message` (default: the latest
        bot message in the chat that has it). Returns the bot's callback answer."""
        if message is None:
            candidates = [m for m in self.inbox(chat) if m.button(label)]
            if not candidates:
                raise AssertionError(f"no button {label!r} in {self.inbox(chat)}")
            message = candidates[-1]
        button = message.button(label)
        if button is None:
            raise AssertionError(f"no button {label!r} on {message}")
        return await self.press(message, str(button["callback_data"]))

    async def press(self, message: Msg, data: str, *, answered: bool = True) -> dict[str, Any]:
        """Send a callback query with arbitrary (possibly forged) data; unless `answered` is
        False, the bot must have answered it."""
        query_id = f"q{next(self.emu._update_ids)}"
        self.emu.callback_answers[query_id] = {}
        await self._deliver(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.json,
                    "chat_instance": "ci",
                    "message": message.data,
                    "data": data,
                }
            }
        )
        answer = self.emu.callback_answers[query_id]
        assert answer or not answered, "the bot did not answer the callback query"
        return answer

    async def add_bot_to_group(self, group_id: int) -> None:
        self.emu.open_chat(group_id)
        await self._deliver(
            {
                "my_chat_member": {
                    "chat": self.emu._chat_object(group_id),
                    "from": self.json,
                    "date": self.emu.now(),
                    "old_chat_member": {"status": "left", "user": self.emu.bot_user},
                    "new_chat_member": {"status": "member", "user": self.emu.bot_user},
                }
            }
        )


if __name__ == "__main__":
    # python tests/emulator.py TOKEN PORT [limits]: serve until killed (for the benchmarks).
    import sys

    async def serve() -> None:
        emulator = Emulator(sys.argv[1])
        if len(sys.argv) > 3 and sys.argv[3] == "limits":
            emulator.limits = Limits()
        await emulator.start(int(sys.argv[2]))
        print(emulator.url, flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())
