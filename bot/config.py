"""Typed settings read from the environment and `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")

# Russian descriptions of what each setting must be, shown when start-up fails.
SETTING_HINTS = {
    "BOT_TOKEN": "токен бота от @BotFather вида 123456789:AA…",
    "TIMEZONE": "часовой пояс муниципалитета, например Asia/Yekaterinburg",
    "COORDINATOR_IDS": (
        "Telegram id координаторов через запятую, например 123456,789012"
        " (или координатор в справочнике: python -m bot directory import)"
    ),
    "BOT_API_URL": "адрес собственного сервера Bot API, например http://localhost:8081",
    "DATABASE_PATH": "путь к файлу базы SQLite",
    "BOT_USERNAME": "имя бота без @ (необязательно)",
    "LOG_LEVEL": "DEBUG, INFO, WARNING или ERROR",
    "WEBHOOK_URL": "публичный https-адрес, на который Telegram шлёт обновления",
    "WEBHOOK_SECRET": "секрет вебхука: 1–256 символов A–Z, a–z, 0–9, _ и -",
    "REGULATION_PROFILE": "имя профиля из profiles/ или путь к TOML-файлу",
    "SEND_PER_SECOND": "число сообщений в секунду (0 или больше)",
    "SEND_PRIVATE_INTERVAL": "секунд между сообщениями в один личный чат",
    "SEND_GROUP_INTERVAL": "секунд между сообщениями в одну группу",
    "SEND_BACKOFF": "секунд до первого повтора отправки (больше нуля)",
}


class _FromEnv(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


class ProfileSettings(_FromEnv):
    """What `python -m bot deadlines` and `calendar` use."""

    regulation_profile: str = "krasnoufimsk"


class DatabaseSettings(_FromEnv):
    """What `python -m bot backup` uses."""

    database_path: Path = Path("data/mcu-bot.sqlite3")


class CoordinatorSettings(DatabaseSettings):
    """The bootstrap coordinators; further ones come from the directory."""

    coordinator_ids: Annotated[frozenset[int], NoDecode] = frozenset()

    @field_validator("coordinator_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> frozenset[int]:
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("not a list of ids")
            return frozenset(int(p) for p in parts)
        if isinstance(value, list | set | frozenset | tuple):
            return frozenset(int(v) for v in value)
        raise ValueError("not a list of ids")


class DirectorySettings(DatabaseSettings):
    """What `python -m bot directory …` uses: the database, and the bot's name for invite
    links (BOT_USERNAME, or asked of Telegram with the token if there is one)."""

    bot_token: SecretStr | None = None
    bot_username: str | None = None
    bot_api_url: str | None = None
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")

    @field_validator("bot_token", mode="before")
    @classmethod
    def _blank_token(cls, value: object) -> object:
        # `BOT_TOKEN=` as .env.example has it: not set, rather than malformed.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        if not TOKEN_RE.match(value.get_secret_value().strip()):
            # The message must not echo the value: it is a secret.
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("bot_api_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError("not an http(s) URL")
        return value.strip().rstrip("/")


class Settings(DirectorySettings, CoordinatorSettings, ProfileSettings):
    """Everything the running bot uses."""

    bot_token: SecretStr
    timezone: str
    # Telegram's limits; lower them only for a Bot API server of your own that allows it.
    send_per_second: float = Field(default=30.0, ge=0)
    send_private_interval: float = Field(default=1.0, ge=0)
    send_group_interval: float = Field(default=3.0, ge=0)
    send_backoff: float = Field(default=0.5, gt=0)  # first retry after a 5xx or a lost line
    # Webhook mode: set WEBHOOK_URL (the public https address Telegram calls) and a secret.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown timezone") from exc
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith("https://"):
            raise ValueError("webhook must be https")
        return value.strip()

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not (
            self.webhook_secret and self.webhook_secret.get_secret_value()
        ):
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        if self.webhook_secret and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", self.webhook_secret.get_secret_value()
        ):
            raise ValueError("WEBHOOK_SECRET: 1-256 characters A-Z, a-z, 0-9, _ and -")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsError(Exception):
    """Start-up configuration problem, already worded for the administrator."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems  # a line per setting
        super().__init__("\n".join([HEADING, *problems]))


HEADING = "Ошибка в настройках (.env или переменные окружения):"


S = TypeVar("S", bound=BaseSettings)


def load(kind: type[S], **overrides: object) -> S:
    try:
        return kind(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def load_settings(**overrides: object) -> Settings:
    return load(Settings, **overrides)


def problem_line(name: str, missing: bool) -> str:
    hint = SETTING_HINTS.get(name, "")
    problem = "не задан" if missing else "задан неверно"
    return f"  {name}: {problem}" + (f" — нужен {hint}" if hint else "")


def describe_errors(exc: ValidationError) -> list[str]:
    """Name each bad setting without ever echoing its value (the token is a secret)."""
    lines = []
    for error in exc.errors():
        if error["loc"]:
            name = str(error["loc"][0]).upper()
        else:  # a check across settings: its message names them
            name = "WEBHOOK_SECRET" if "WEBHOOK_SECRET" in error["msg"] else "?"
        value = error.get("input")
        # `NAME=` with nothing after it is as good as absent.
        blank = value is None or (isinstance(value, str) and not value.strip())
        lines.append(problem_line(name, error["type"] == "missing" or blank))
    return lines
