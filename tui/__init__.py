"""archkb tui."""
