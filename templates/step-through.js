// The step-through: one SVG, and per step which slot it fills and what it highlights.
(function () {
  "use strict";
  for (const viewer of document.querySelectorAll("[data-vizgraph-viewer]")) {
    const steps = JSON.parse(viewer.querySelector("[data-steps]").textContent);
    const svg = viewer.querySelector("svg");
    const slider = viewer.querySelector("[data-slider]");
    const prev = viewer.querySelector("[data-prev]");
    const next = viewer.querySelector("[data-next]");
    const counter = viewer.querySelector("[data-counter]");
    const explanation = viewer.querySelector("[data-explanation]");
    const equation = viewer.querySelector("[data-equation]");
    const intro = explanation.textContent;
    let position = 0;

    function show(to) {
      position = Math.max(0, Math.min(steps.length, to));
      const revealed = new Set(steps.slice(0, position).map((s) => s.slot));
      for (const slot of svg.querySelectorAll(".slot")) {
        slot.classList.toggle("pending", !revealed.has(slot.id));
      }
      const step = steps[position - 1];
      for (const node of svg.querySelectorAll(".node")) {
        node.classList.toggle("current", step !== undefined && node.id === "n" + step.node);
      }
      const used = new Set(step ? step.edges.map((k) => "e" + k) : []);
      for (const edge of svg.querySelectorAll(".edge")) {
        edge.classList.toggle("current", used.has(edge.id));
      }
      counter.textContent = step
        ? "Step " + position + " of " + steps.length + " · " + step.phase + " pass"
        : "Before the first step";
      explanation.textContent = step ? step.text : intro;
      equation.innerHTML = step ? step.equation : "";
      slider.value = String(position);
      prev.disabled = position === 0;
      next.disabled = position === steps.length;
    }

    prev.addEventListener("click", () => show(position - 1));
    next.addEventListener("click", () => show(position + 1));
    slider.addEventListener("input", () => show(Number(slider.value)));
    document.addEventListener("keydown", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.type !== "range") return;
      const moves = { ArrowRight: position + 1, ArrowLeft: position - 1, Home: 0, End: steps.length };
      if (event.key in moves) {
        event.preventDefault();
        show(moves[event.key]);
      }
    });
    show(0);
  }
})();
