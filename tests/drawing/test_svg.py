"""engine.drawing.svg: the one escaper and element writer both diagrams write through."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.drawing.svg import SvgWriter, escape, number


def test_markup_and_both_quotes_become_entities():
    assert escape("""<b>"A" & 'B'</b>""") == "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;"


def test_control_characters_xml_forbids_are_dropped_and_tabs_and_newlines_kept():
    assert escape("a\x00b\x07c\x1fd\x7fe\tf\ng\rh") == "abcde\tf\ng\rh"


def test_plain_text_and_non_text_values_come_back_as_text():
    assert escape("Negotiate – Zieliński ✓") == "Negotiate – Zieliński ✓"
    assert escape(3) == "3"


@pytest.mark.parametrize(("value", "digits", "text"), [
    (12.0, 2, "12"), (12.345, 2, "12.35"), (12.345, 1, "12.3"), (-0.04, 1, "0"), (1e-9, 2, "0"), (7, 2, "7")])
def test_numbers_are_short_and_whole_ones_have_no_decimal_point(value, digits, text):
    assert number(value, digits) == text


def test_the_writer_names_attributes_from_keywords_and_escapes_every_value_and_text():
    out = SvgWriter()
    out.open("svg", xmlns="http://www.w3.org/2000/svg", class_="x", aria_label='say "hi"')
    out.el("text", "<script>", data_node_id="T'1", stroke_width="2")
    out.el("rect", x="0")
    out.close()
    svg = out.markup()
    assert svg == ('<svg xmlns="http://www.w3.org/2000/svg" class="x" aria-label="say &quot;hi&quot;">'
                   '<text data-node-id="T&#39;1" stroke-width="2">&lt;script&gt;</text><rect x="0"/></svg>')
    root = etree.fromstring(svg.encode())
    assert root.get("aria-label") == 'say "hi"' and root[0].text == "<script>"


def test_the_writer_refuses_to_give_markup_with_elements_left_open():
    out = SvgWriter()
    out.open("svg")
    out.open("g")
    out.close()
    with pytest.raises(AssertionError, match="unclosed elements: \\['svg'\\]"):
        out.markup()
