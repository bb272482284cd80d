"""Settings a redeploy sets and removes: what a config fault and a deploy fault have in common."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from drills.language.fields import ServiceName, SettingName, Settings, SpecModel, field_error


class SettingChanges(SpecModel):
    """Settings to set and settings to remove when a service is redeployed."""

    service: ServiceName
    settings: Settings = Field(default_factory=dict)
    unset: tuple[SettingName, ...] = ()

    @model_validator(mode="after")
    def _no_conflict(self) -> Self:
        both = sorted(set(self.settings) & set(self.unset))
        if both:
            raise field_error("unset", f"{both[0]} is both set and unset")
        return self
