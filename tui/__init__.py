"""archkb's terminal UI (Textual): `archkb tui`, or `archkb` alone in a terminal."""
