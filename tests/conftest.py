import shutil

import pytest


@pytest.fixture(autouse=True)
def _needs(request: pytest.FixtureRequest) -> None:
    """A marked test fails when its tool is missing: CI must never skip it silently."""
    for marker, tool in (("dot", "dot"), ("pdf", "pdftotext"), ("browser", "chromium")):
        if request.node.get_closest_marker(marker) and shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: run `make test`, which installs it")
