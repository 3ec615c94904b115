"""A page of frames: one self-contained HTML file that pages through pictures.

``step_through``'s page (forward, backward, update) and ``save_steps``'s slideshow (the backward
steps) are the same page: every frame's SVG inline, a short script, no server and no network.
Previous and next buttons, a slider, the arrow keys (and Home / End) show one frame at a time,
with its heading, its caption (shown once: the caption keeps the height of the longest, so the
picture never moves), its phase and ``k / N``.

The texts put in are the reader's data (node names end up in captions): escaped for HTML here,
at the page's edge, and filled into the template in one pass, never read as placeholders again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from autograd_lite.notation import printable

__all__ = ["PageFrame", "attribute", "escaped", "frames_page"]


@dataclass(frozen=True)
class PageFrame:
    """One frame of a page: its phase, heading and caption, the node it is about, its SVG."""

    phase: str
    heading: str
    caption: str
    node: str
    """The node's id in the SVG (``n4``), or ``""``."""
    svg: str


def escaped(text: str) -> str:
    """``text`` as HTML text: markup escaped, unprintable characters written out."""
    return html.escape(printable(text), quote=False)


def attribute(text: str) -> str:
    """``text`` as an HTML attribute's value."""
    return html.escape(printable(text), quote=True)


def frames_page(title: str, frames: Sequence[PageFrame], phases: Sequence[str]) -> str:
    """The page that shows ``frames`` one at a time; ``phases`` are listed in its header.

    Examples
    --------
    >>> page = frames_page("Two", [PageFrame("backward", "step 1", "dz = 1", "n1", "<svg/>")] * 2,
    ...                    ["backward"])
    >>> page.count('class="frame"'), "<title>Two</title>" in page
    (2, True)
    """
    figures = []
    for k, frame in enumerate(frames):
        hidden = "" if k == 0 else " hidden"
        body = frame.svg[frame.svg.index("<svg") :] if "<svg" in frame.svg else frame.svg
        figures.append(
            f'<figure class="frame" data-phase="{attribute(frame.phase)}" '
            f'data-heading="{attribute(frame.heading)}" '
            f'data-node="{attribute(frame.node)}" '
            f'data-caption="{attribute(frame.caption)}"{hidden}>\n{body}</figure>'
        )
    first = frames[0] if frames else None
    current = first.phase if first else None
    listed = "".join(
        f'<li data-phase="{attribute(phase)}" class="current">{escaped(phase)}</li>'
        if phase == current
        else f'<li data-phase="{attribute(phase)}">{escaped(phase)}</li>'
        for phase in phases
    )
    replacements = {
        "TITLE": escaped(title),
        "COUNT": str(len(frames)),
        "HEADING": escaped(first.heading) if first else "",
        "CAPTION": escaped(first.caption) if first else "",
        "PHASES": listed,
        "FRAMES": "\n".join(figures),
    }
    # One pass over the template: the texts put in are never read as placeholders again.
    return re.sub(r"@@([A-Z]+)@@", lambda m: replacements[m.group(1)], _PAGE)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; margin: 1.2em 1.5em; color: #1c1917; }
  h1 { font-size: 1.3em; margin: 0 0 0.6em; }
  nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6em; }
  button { font-size: 1em; padding: 0.25em 0.9em; }
  #slider { flex: 1 1 16em; max-width: 32em; }
  #position { font-variant-numeric: tabular-nums; min-width: 4.5em; }
  #phases { display: flex; gap: 0.3em; list-style: none; margin: 0; padding: 0; }
  #phases li { padding: 0.15em 0.6em; border-radius: 1em; background: #f5f5f4; color: #78716c; }
  #phases li.current { background: #fdba74; color: #1c1917; font-weight: bold; }
  #heading { margin: 0.8em 0 0.2em; color: #57534e; font-size: 0.95em; }
  #caption { margin: 0 0 0.6em; font-family: Menlo, Consolas, monospace; font-size: 1.05em;
             overflow-wrap: anywhere; }
  .frame { margin: 0; }
  .frame svg { max-width: 100%; height: auto; }
  .hint { color: #78716c; font-size: 0.85em; }
</style>
</head>
<body>
<h1>@@TITLE@@</h1>
<nav>
  <button id="previous" type="button">&larr; previous</button>
  <input id="slider" type="range" min="1" max="@@COUNT@@" value="1" step="1"
         aria-label="frame">
  <button id="next" type="button">next &rarr;</button>
  <span id="position">1 / @@COUNT@@</span>
  <ol id="phases">@@PHASES@@</ol>
</nav>
<p id="heading">@@HEADING@@</p>
<p id="caption">@@CAPTION@@</p>
<div id="frames">
@@FRAMES@@
</div>
<p class="hint">Keys: &larr; and &rarr; step, Home and End jump to the first and last frame.</p>
<script>
(function () {
  "use strict";
  const frames = Array.from(document.querySelectorAll("#frames > .frame"));
  const slider = document.getElementById("slider");
  const previous = document.getElementById("previous");
  const next = document.getElementById("next");
  const position = document.getElementById("position");
  const heading = document.getElementById("heading");
  const caption = document.getElementById("caption");
  const phases = Array.from(document.querySelectorAll("#phases > li"));
  let shown = 0;

  function show(k) {
    if (frames.length === 0) return;
    shown = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach(function (frame, i) { frame.hidden = i !== shown; });
    const frame = frames[shown];
    heading.textContent = frame.dataset.heading;
    caption.textContent = frame.dataset.caption;
    position.textContent = (shown + 1) + " / " + frames.length;
    slider.value = String(shown + 1);
    phases.forEach(function (li) {
      li.classList.toggle("current", li.dataset.phase === frame.dataset.phase);
    });
    previous.disabled = shown === 0;
    next.disabled = shown === frames.length - 1;
  }

  // The caption keeps the height of the longest one, so the picture never moves.
  function reserveCaptionHeight() {
    caption.style.minHeight = "";
    let tallest = 0;
    frames.forEach(function (frame) {
      caption.textContent = frame.dataset.caption;
      tallest = Math.max(tallest, caption.offsetHeight);
    });
    caption.style.minHeight = tallest + "px";
    caption.textContent = frames.length ? frames[shown].dataset.caption : "";
  }

  previous.addEventListener("click", function () { show(shown - 1); });
  next.addEventListener("click", function () { show(shown + 1); });
  slider.addEventListener("input", function () { show(Number(slider.value) - 1); });
  document.addEventListener("keydown", function (event) {
    if (event.target === slider) return;  // the slider steps itself with the arrow keys
    if (event.key === "ArrowRight" || event.key === "PageDown") show(shown + 1);
    else if (event.key === "ArrowLeft" || event.key === "PageUp") show(shown - 1);
    else if (event.key === "Home") show(0);
    else if (event.key === "End") show(frames.length - 1);
    else return;
    event.preventDefault();
  });
  window.addEventListener("resize", reserveCaptionHeight);
  reserveCaptionHeight();
  show(0);
})();
</script>
</body>
</html>
"""
