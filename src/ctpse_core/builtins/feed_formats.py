"""Built-in plugin: the csv, json and jsonl feed formats."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_feed_formats(register: Register) -> None:
    from ctpse_core.feeds.formats import FeedFormat
    from ctpse_core.feeds.text import read_csv, read_json, read_jsonl

    register("csv", FeedFormat(name="csv", suffixes=(".csv", ".tsv", ".txt"), read=read_csv,
                               title="Delimited text (comma, semicolon, tab or bar; delimiter sniffed)"))
    register("json", FeedFormat(name="json", suffixes=(".json",), read=read_json, title="JSON list of objects"))
    register("jsonl", FeedFormat(name="jsonl", suffixes=(".jsonl", ".ndjson"), read=read_jsonl,
                                 title="JSON lines (one object per line)"))
