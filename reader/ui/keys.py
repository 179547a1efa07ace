"""The reader's keys, as `less` and vim users expect them; `?` lists them all (HelpScreen).

The footer shows the five most useful; every binding's description is its help text.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding("slash", "search", "Search", key_display="/"),
    Binding("right_square_bracket", "next_problem", "Next problem term", key_display="]"),
    Binding("a", "add_term", "Add term"),
    Binding("e", "export", "Export", show=False),
    Binding("question_mark,f1", "help", "Help", key_display="?"),
    Binding("j,down,enter", "line_down", "Down a line, or to the next paragraph", show=False),
    Binding("k,up", "line_up", "Up a line, or to the previous paragraph", show=False),
    Binding("space,pagedown", "page_down", "Page down", show=False),
    Binding("b,pageup", "page_up", "Page up", show=False),
    Binding("ctrl+d", "half_page_down", "Half a page down", show=False),
    Binding("ctrl+u", "half_page_up", "Half a page up", show=False),
    Binding("g,home", "first_paragraph", "First paragraph", show=False),
    Binding("G,end", "last_paragraph", "Last paragraph", show=False),
    Binding("l,right", "next_char", "Next character", show=False),
    Binding("h,left", "previous_char", "Previous character", show=False),
    Binding(
        "right_parenthesis",
        "next_sentence",
        "Next sentence (its English highlighted with it)",
        key_display=")",
        show=False,
    ),
    Binding(
        "left_parenthesis",
        "previous_sentence",
        "Start of this sentence, or the previous one",
        key_display="(",
        show=False,
    ),
    Binding("P", "toggle_pinyin", "Pinyin above the cursor sentence (on/off)", show=False),
    Binding("ctrl+p", "toggle_pinyin_all", "Pinyin above every paragraph (on/off)", show=False),
    Binding("v", "toggle_selection", "Start/stop selecting characters", show=False),
    Binding("n,semicolon", "next_match", "Next search match", show=False),
    Binding("N,comma", "previous_match", "Previous search match", show=False),
    Binding(
        "left_square_bracket",
        "previous_problem",
        "Previous problem term",
        key_display="[",
        show=False,
    ),
    Binding(
        "E",
        "edit_term",
        "Edit or delete the glossary term under the cursor (else the sentence's next one)",
        show=False,
    ),
    Binding("ctrl+f", "search_glossary", "Search the whole glossary", show=False),
    Binding("ctrl+s", "merge_glossary", "Merge unsaved glossary edits", show=False),
    Binding("p", "post_edit", "Rewrite this paragraph's English (marked ✎)", show=False),
    Binding(
        "A",
        "accept_earlier_edit",
        "Accept the post-edit of this text's earlier version (marked ✎?)",
        show=False,
    ),
    Binding("t", "toggle_script", "Show Traditional/Simplified", show=False),
    Binding("s", "toggle_glossary_panel", "Terms panel", show=False),
    Binding("d", "toggle_dictionary", "Dictionary panel", show=False),
    Binding(
        "greater_than_sign", "wider_chinese", "Wider Chinese column", key_display=">", show=False
    ),
    Binding(
        "less_than_sign", "narrower_chinese", "Narrower Chinese column", key_display="<", show=False
    ),
    Binding("c", "chapters", "Chapters of the book (EPUB: its own table of contents)", show=False),
    Binding("o", "open_document", "Open another document", show=False),
    Binding("q", "quit_reader", "Quit (the position is kept)", key_display="q"),
]

# what the colours and marks mean, for the help screen
LEGEND = (
    ("applied", "term rendered as the glossary says"),
    ("repaired", "the engine missed it; the glossary rendering was put in"),
    ("missing", "the required rendering is not in the English"),
    ("forbidden", "a forbidden rendering is in the English"),
    ("found", "a glossary term, not yet checked (paragraph not translated)"),
    ("✎", "English you wrote yourself (p); it always wins over the machine"),
    ("✎?", "your post-edit of an earlier version of a changed text (A accepts)"),
    ("…", "not translated yet"),
)
