"""Fixed texts of the TUI: the welcome page, the help page and status messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase

LOADING = "# archkb\n\nLoading the knowledge base…"


def welcome_page(kb: KnowledgeBase) -> str:
    """The first page: what is here and the few keys that get a newcomer going."""
    counts = kb.counts()
    return f"""# archkb

An architecture knowledge base for AWS, Azure and GCP: {counts["service"]} services,
{counts["pattern"]} patterns, {counts["blueprint"]} blueprints, {counts["need"]} needs.

- **/** search by name or words, e.g. `Cosmos DB`; **↑ ↓** pick, **Enter** opens
- **Tab** moves between search, tree, page and its links; **Enter** follows a link
- **[** and **]** go back and forward
- **r** recommends architectures for needs such as `serverless,eu`, then **e** exports one
- **m** maps a service to the other clouds; **n** shows a record's graph neighbours
- **o** opens a Terraform folder: what it deploys, mapped to another cloud
- **ctrl+p** lists every command; **?** help; **q** quits
"""


def empty_kb_page() -> str:
    return (
        "# archkb\n\nThe knowledge base is empty: no records were loaded. "
        "Check the `--kb` folders and `$ARCHKB_PATH`."
    )


HELP = """# archkb keys

**Everywhere**

- `/` search · `b` browse · `r` recommend · `m` map a service · `n` neighbours of the open record
- `o` open a Terraform folder and map its inventory
- `ctrl+p` command palette: every action, and any record by name
- `t` dark/light theme · `?` this help · `q` (or `ctrl+q`) quit, except while typing in a box
- `Tab` / `shift+Tab` move between panes; `Escape` goes back a level: it closes dialogs, leaves
  results for the input box, and from a screen's input box returns to the browser

**Browser**

- `↑` `↓` `Enter` move and open, in the tree, the search results and the links
- typing in the search box updates the results; `↑` `↓` pick, `Enter` opens, `Escape` leaves
- `l` jumps to the page's links; `[` / `]` (or `backspace`) go back / forward

**Recommend**

- type needs separated by commas; `→` or `Tab` completes the word, `↓` lists matching needs
- `Enter` ranks the blueprints; `↑` `↓` compare them: services per provider, regions,
  reasons, trade-offs, and why the others were left out
- `e` exports diagram, IaC and ADR to a folder · `w` why not, for any blueprint

**Map**

- type a service (`→` completes), `Enter` maps it; `↑` `↓` read each equivalent's caveat,
  `Enter` opens it

**Terraform**

- type a folder or file (`.tf`, `.tf.json`, `.tofu`), `Enter` reads it (local modules too)
- the tree groups resources by source service, then unknown, glue and unparsed rows;
  `↑` `↓` show each row's file, line, status and target; `p` switches the target provider

The mouse works too, but nothing needs it.
"""
