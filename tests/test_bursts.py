"""Bursts of activity (p. 25; issue 18, item 6): many incidents of one thematic block in a
short time go to the Head and the coordinators at once, in one message per burst."""

from __future__ import annotations

from tests.conftest import Cast, FakeClock
from tests.test_happy_path import route_new_incident


def bursts_told(user: object) -> list[str]:
    return [m.text for m in user.inbox() if "Всплеск активности" in m.text]  # type: ignore[attr-defined]


async def test_five_in_a_block_within_three_hours_are_told_once(
    cast: Cast, clock: FakeClock
) -> None:
    # Four of ЖКХ between 10:00 and 12:00, one of Образование: no burst yet.
    for n, at in enumerate(("10:00", "10:30", "11:00", "12:00")):
        clock.set_local(f"2026-03-02T{at}")
        await route_new_incident(cast, text=f"Прорыв трубы, дом {n}")
    clock.set_local("2026-03-02T12:10")
    await route_new_incident(
        cast, text="Нет урока", org="Управление образованием", block="Образование"
    )
    assert bursts_told(cast.head) == []
    # The fifth of ЖКХ within 3 hours: the Head and the coordinator hear of it, once.
    clock.set_local("2026-03-02T12:30")
    await route_new_incident(cast, text="Прорыв трубы, дом 5", org="водоканал")
    (told,) = bursts_told(cast.head)
    assert "Всплеск активности (п. 25): ЖКХ" in told
    assert "5 инцидентов за 3 ч: №1, №2, №3, №4, №6" in told
    assert bursts_told(cast.coordinator) == [told]
    assert bursts_told(cast.housing) == []  # not the executors'
    assert bursts_told(cast.supervisor) == []
    # More of the same burst: nobody is told again.
    clock.set_local("2026-03-02T13:00")
    await route_new_incident(cast, text="Прорыв трубы, дом 7")
    assert len(bursts_told(cast.head)) == 1
    # A quiet spell longer than the window, then five again: a new burst.
    for n, at in enumerate(("09:00", "09:10", "09:20", "09:30", "09:40")):
        clock.set_local(f"2026-03-03T{at}")
        await route_new_incident(cast, text=f"Снова труба {n}")
    assert len(bursts_told(cast.head)) == 2


async def test_posts_naming_one_address_make_a_burst_whatever_the_block(
    cast: Cast, clock: FakeClock
) -> None:
    posts = (
        "Ул. Ленина, 5 — снова нет воды",
        "улица Ленина д. 5, третий день без воды",
        "У нас на Ленина, д.5 течёт крыша",
        "Во дворе дома по ул. Ленина, 7 яма",  # another house: not counted
        "Ленина, 5: детская площадка сломана",
        "Проспект Мира 5 — не вывозят мусор",  # another street
    )
    for n, post in enumerate(posts):
        clock.set_local(f"2026-03-02T10:{n * 10:02d}")
        await cast.coordinator.send(post, forward_from_channel="Подслушано")
    assert bursts_told(cast.head) == []
    # The fifth naming «Ленина, 5», routed to the education department: a burst by address.
    clock.set_local("2026-03-02T12:00")
    await route_new_incident(
        cast,
        text="Ленина, д. 5: школа закрыта",
        org="Управление образованием",
        block="Образование",
    )
    (told,) = bursts_told(cast.head)
    assert "Всплеск активности (п. 25): адрес «ленина 5»" in told
    assert "5 инцидентов за 3 ч: №1, №2, №3, №5, №7" in told
    assert bursts_told(cast.coordinator) == [told]
    assert bursts_told(cast.school) == []
    clock.set_local("2026-03-02T12:30")
    await cast.coordinator.send(
        "Ленина, дом 5 — опять без света", forward_from_channel="Подслушано"
    )
    assert len(bursts_told(cast.head)) == 1  # the same burst goes on


def test_the_address_words_of_a_post() -> None:
    from bot.domain.addresses import address_of

    same = ["ул. Ленина, 5", "улица Ленина д. 5", "Ленина, д.5", "УЛ. ЛЕНИНА, 5", "На Ленина, 5."]
    assert {address_of(t) for t in same} == {"ленина 5"}
    assert address_of("пр-т Мира 12а течёт") == "мира 12а"
    assert address_of("ул. Карла Маркса, 10/2") == "карла маркса 10/2"
    assert address_of("проспект Строителей, д. 15Б") == "строителей 15б"
    assert address_of("ул. Семёновская, 3") == "семеновская 3"
    for no_address in (
        "Ленина 5",
        "ул Ленина",
        "Приезжайте через 5 минут",
        "На улице холодно, 5 градусов",
        "ул. Ленина возле 5",
    ):
        assert address_of(no_address) is None, no_address
