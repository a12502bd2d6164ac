"""archkb exports."""
