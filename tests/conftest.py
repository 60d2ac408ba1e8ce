"""Test configuration: hypothesis without per-example deadlines (CI machines vary)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("boughs", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("boughs")
