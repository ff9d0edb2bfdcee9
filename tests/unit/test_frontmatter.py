"""Front matter: splitting, YAML 1.1 surprises, field defaults, what a post exposes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from frostpress.content.frontmatter import (
    parse_date,
    split_front_matter,
    validate_post_fields,
)
from frostpress.content.models import Term
from frostpress.errors import FrontMatterError
from tests.conftest import Project

LONDON = ZoneInfo("Europe/London")
PATH = Path("content/posts/x.md")


def fields_of(header: str, default_slug: str = "x") -> tuple[dict[str, Any], list[str]]:
    fm = split_front_matter(PATH, f"---\n{header}\n---\nBody.\n")
    fields, errors = validate_post_fields(PATH, fm, default_slug, LONDON)
    return fields, [e.format() for e in errors]


# -- splitting -----------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_its_key_before_anything_expands_it() -> None:
    """Nine levels of nine aliases are 387 million values: PyYAML loads them as
    shared lists at once, and the build then spent minutes expanding them."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    header = "title: Bomb\ndate: 2024-01-01\nlol:\n" + "\n".join(f"  {line}" for line in levels)
    with pytest.raises(FrontMatterError) as raised:
        split_front_matter(PATH, f"---\n{header}\n---\nBody.\n")
    assert raised.value.line == 4
    assert "aliases" in raised.value.format() and "'lol'" in raised.value.format()


def test_a_long_list_written_out_is_not_an_alias_bomb() -> None:
    tags = ", ".join(f"t{n}" for n in range(2_000))
    fm = split_front_matter(PATH, f"---\ntitle: Hi\ndate: 2024-01-01\ntags: [{tags}]\n---\n")
    assert len(fm.data["tags"]) == 2_000


def test_split_returns_data_body_and_first_body_line() -> None:
    fm = split_front_matter(PATH, "---\ntitle: Hi\ndate: 2024-01-01\n---\nFirst.\nSecond.\n")
    assert set(fm.data) == {"title", "date"} and fm.data["title"] == "Hi"
    assert parse_date(fm.data["date"], LONDON) == datetime(2024, 1, 1, tzinfo=LONDON)
    assert fm.body == "First.\nSecond.\n"
    assert fm.body_line == 5
    assert (fm.line_of("title"), fm.line_of("date"), fm.line_of("nope")) == (2, 3, 1)


def test_yaml_document_end_marker_closes_front_matter() -> None:
    fm = split_front_matter(PATH, "---\ntitle: Hi\n...\nBody\n")
    assert fm.data == {"title": "Hi"} and fm.body == "Body\n"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    assert split_front_matter(PATH, "---\n---\nBody\n").data == {}


def test_front_matter_that_is_a_list_is_rejected() -> None:
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(PATH, "---\n- title\n- date\n---\n")
    assert info.value.line == 2
    assert "front matter must be 'key: value' lines, not a list" in info.value.message


def test_yaml_error_line_is_a_file_line() -> None:
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(PATH, "---\ntitle: ok\ndate: 2024-01-01\nsummary: a: b\n---\n")
    assert info.value.line == 4
    assert str(info.value).startswith("content/posts/x.md:4: invalid YAML in front matter")


# -- dates: YAML 1.1 surprises --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "offset_hours"),
    [
        ("2024-05-01", datetime(2024, 5, 1, 0, 0), 1),  # a YAML date: midnight, BST
        ("2024-05-01 10:00", datetime(2024, 5, 1, 10, 0), 1),  # no seconds: YAML string
        ("2024-01-15 10:00", datetime(2024, 1, 15, 10, 0), 0),  # winter: GMT
        ("2024-05-01 10:00:00", datetime(2024, 5, 1, 10, 0), 1),  # naive YAML datetime
        ("'2024-05-01'", datetime(2024, 5, 1, 0, 0), 1),  # quoted: a string
    ],
)
def test_dates_without_offset_are_in_the_site_timezone(
    value: str, expected: datetime, offset_hours: int
) -> None:
    fields, errors = fields_of(f"title: T\ndate: {value}")
    assert errors == []
    when = fields["date"]
    assert when.replace(tzinfo=None) == expected
    assert when.tzinfo == LONDON
    assert when.utcoffset() == timedelta(hours=offset_hours)


@pytest.mark.parametrize(
    ("value", "offset"),
    [
        ("2024-05-01 10:00:00+02:00", timedelta(hours=2)),
        ("2024-05-01T10:00:00Z", timedelta(0)),
        ("2024-05-01 10:00:00 -05:00", timedelta(hours=-5)),
        ("'2024-05-01 10:00+05:30'", timedelta(hours=5, minutes=30)),
    ],
)
def test_explicit_offsets_are_kept(value: str, offset: timedelta) -> None:
    fields, errors = fields_of(f"title: T\ndate: {value}")
    assert errors == []
    assert fields["date"].utcoffset() == offset
    assert (fields["date"].hour, fields["date"].minute) == (10, 0)


@pytest.mark.parametrize("value", ["12:30", "yesterday", "2024-05", "true", "[2024]"])
def test_unreadable_dates_are_reported_on_their_line(value: str) -> None:
    _fields, errors = fields_of(f"title: T\ndate: {value}")
    assert len(errors) == 1
    assert errors[0].startswith("content/posts/x.md:3: cannot read ")


def test_parse_date_accepts_python_values_and_rejects_others() -> None:
    utc_noon = datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parse_date(utc_noon, LONDON) is utc_noon
    assert parse_date(date(2024, 5, 1), LONDON) == datetime(2024, 5, 1, tzinfo=LONDON)
    assert parse_date(" 2024-05-01 10:00 ", LONDON) == datetime(2024, 5, 1, 10, tzinfo=LONDON)
    assert parse_date(750, LONDON) is None
    assert parse_date("not a date", LONDON) is None
    assert parse_date(None, LONDON) is None


# -- booleans and lists ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("no", False),
        ("off", False),
        ("false", False),
        ("yes", True),
        ("true", True),
    ],
)
def test_yaml_11_booleans_for_draft(value: str, expected: bool) -> None:
    fields, errors = fields_of(f"title: T\ndate: 2024-01-01\ndraft: {value}")
    assert errors == [] and fields["draft"] is expected


def test_all_field_problems_of_one_file_are_collected() -> None:
    _fields, errors = fields_of("title: 12\ndate: nope\ndraft: maybe\ntags: [a, 1.5]")
    assert [e.split(": ")[0] for e in errors] == [
        "content/posts/x.md:5",
        "content/posts/x.md:2",
        "content/posts/x.md:3",
        "content/posts/x.md:4",
    ]


def test_tags_list_or_comma_text() -> None:
    fields, _ = fields_of("title: T\ndate: 2024-01-01\ntags: [python, 'c++']")
    assert fields["tags"] == ["python", "c++"]
    fields, _ = fields_of("title: T\ndate: 2024-01-01\ntags: ' python ,, web '")
    assert fields["tags"] == ["python", "web"]


def test_tag_without_letters_is_rejected() -> None:
    _fields, errors = fields_of("title: T\ndate: 2024-01-01\ntags: ['!!!']")
    assert errors == ["content/posts/x.md:4: tag '!!!' has no letters or digits to make a URL of"]


def test_aliases_are_normalised_with_trailing_slash() -> None:
    fields, errors = fields_of(
        "title: T\ndate: 2024-01-01\naliases: [/2019/05/old/, /older, /feed.html]"
    )
    assert errors == []
    assert fields["aliases"] == ["/2019/05/old/", "/older/", "/feed.html"]


# -- what a loaded post exposes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("2024-05-01-hello-world.md", "hello-world"),
        ("2024-05-01_notes.md", "notes"),
        ("Héllo Wörld.md", "hello-world"),
        ("2024/deep/nested-post.md", "nested-post"),
        ("2024-05-01.md", "2024-05-01"),
    ],
)
def test_default_slug_is_the_file_name_without_date(project: Project, name: str, slug: str) -> None:
    project.post(name=name)
    assert [p.slug for p in project.index().posts] == [slug]


def test_slug_field_is_slugified(project: Project) -> None:
    project.post(name="2024-05-01-file.md", slug="Ça Marche: Yes!")
    assert project.index().posts[0].slug == "ca-marche-yes"


def test_summary_defaults_to_the_first_paragraph(project: Project) -> None:
    project.post(name="p.md", body="## Heading\n\nThe *first* paragraph.\n\nSecond one.\n")
    post = project.index().post("p")
    assert post is not None
    assert post.summary_html == "The <em>first</em> paragraph."
    assert post.summary_text == "The first paragraph."


def test_explicit_summary_is_rendered_markdown(project: Project) -> None:
    project.post(name="p.md", summary="Why *static* sites [win](https://example.org/)")
    post = project.index().post("p")
    assert post is not None
    assert post.summary_html == ('Why <em>static</em> sites <a href="https://example.org/">win</a>')
    assert post.summary_text == "Why static sites win"


def test_multi_paragraph_summary_is_well_formed_html(project: Project) -> None:
    project.post(name="p.md", summary="One *point*.\n\nAnother point.")
    post = project.index().post("p")
    assert post is not None
    html = post.summary_html
    assert html.count("<p>") == html.count("</p>")


def test_unknown_fields_are_kept_in_meta_and_as_attributes(project: Project) -> None:
    project.post(name="p.md", series="Static sites", part=2, mood=None)
    post = project.index().post("p")
    assert post is not None
    assert post.meta == {"series": "Static sites", "part": 2}
    assert (post.series, post.part) == ("Static sites", 2)
    with pytest.raises(AttributeError):
        _ = post.mood


def test_tags_and_category_become_terms(project: Project) -> None:
    project.post(name="p.md", tags=["Web Dev", "python"], category="Engineering Notes")
    post = project.index().post("p")
    assert post is not None
    assert post.tags == (Term("python", "python"), Term("web-dev", "Web Dev"))
    assert [t.name for t in post.tags] == ["python", "Web Dev"]
    assert post.category == Term("engineering-notes", "Engineering Notes")


def test_word_count_excludes_code_blocks(project: Project) -> None:
    body = (
        "One two three four.\n\n```python\nfor word in many_words: print(word)\n```\n\n"
        "    indented code is code too\n\nFive.\n"
    )
    project.post(name="p.md", body=body)
    post = project.index().post("p")
    assert post is not None
    assert post.word_count == 5
    assert post.reading_time == 1


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (220, 1), (221, 2), (660, 3)])
def test_reading_time_is_whole_minutes_at_least_one(
    project: Project, words: int, minutes: int
) -> None:
    project.post(name="p.md", body=("word " * words) + "\n")
    post = project.index().post("p")
    assert post is not None
    assert post.word_count == words
    assert post.reading_time == minutes
