// vizgraph's viewer: one SVG of the graph, and per step which slot it fills and what it uses.
// Step mode walks the steps; practice mode asks for every box. Several viewers may share a
// page (a notebook): each keeps to its own elements, and keys act on the focused viewer, or
// on the page when it holds only one.
(function () {
  "use strict";
  const viewers = document.querySelectorAll("[data-vizgraph-viewer]:not([data-ready])");
  for (const viewer of viewers) {
    viewer.dataset.ready = "true";
    setUp(viewer);
  }

  function setUp(viewer) {
    const $ = (selector) => viewer.querySelector(selector);
    const steps = JSON.parse($("[data-steps]").textContent);
    const answers = JSON.parse($("[data-answers]").textContent);
    const svg = $("svg");
    const slots = [...svg.querySelectorAll(".slot")];
    const slotKey = (slot) => slot.id.slice(slot.id.search(/[vg]\d+$/));
    const slider = $("[data-slider]");
    const input = $("[data-answer-input]");
    const feedback = $("[data-feedback]");
    const intro = $("[data-explanation]").textContent;
    let position = 0;
    let practising = false;
    let editing = null;

    function show(to) {
      position = Math.max(0, Math.min(steps.length, to));
      const done = steps.slice(0, position);
      const revealed = new Set(done.map((s) => s.slot));
      const labelled = new Set(done.filter((s) => s.phase === "backward").flatMap((s) => s.edges));
      for (const slot of slots) slot.classList.toggle("pending", !revealed.has(slotKey(slot)));
      const step = steps[position - 1];
      for (const node of svg.querySelectorAll(".node")) {
        node.classList.toggle("current", step !== undefined && node.id.endsWith("n" + step.node));
      }
      const used = new Set(step ? step.edges : []);
      for (const edge of svg.querySelectorAll(".edge")) {
        const k = Number(edge.id.slice(edge.id.lastIndexOf("e") + 1));
        edge.classList.toggle("current", used.has(k));
        const label = edge.querySelector(".edge-label");
        if (label) label.classList.toggle("pending", !labelled.has(k));
      }
      $("[data-counter]").textContent = step
        ? "Step " + position + " of " + steps.length + " · " + step.phase + " pass"
        : "Before the first step";
      $("[data-explanation]").textContent = step ? step.text : intro;
      $("[data-equation]").innerHTML = step ? step.equation : "";
      slider.value = String(position);
      $("[data-prev]").disabled = position === 0;
      $("[data-next]").disabled = position === steps.length;
    }

    // -- practice mode ---------------------------------------------------------
    function practise(on) {
      practising = on;
      closeInput();
      $("[data-practice]").setAttribute("aria-pressed", String(on));
      $("[data-practice]").textContent = on ? "Back to the steps" : "Practice: fill in the boxes yourself";
      $("[data-step-panel]").hidden = on;
      $("[data-practice-panel]").hidden = !on;
      if (!on) {
        for (const slot of slots) {
          slot.classList.remove("asked", "wrong");
          slot.removeAttribute("tabindex");
          slot.removeAttribute("role");
          slot.removeAttribute("aria-label");
        }
        show(position);
        return;
      }
      for (const node of svg.querySelectorAll(".node.current, .edge.current")) node.classList.remove("current");
      for (const label of svg.querySelectorAll(".edge-label")) label.classList.add("pending");  // they give answers away
      hideAll();
      feedback.textContent = "Click a box with a question mark, or Tab to it and press Enter, then type its value.";
      const first = inOrder().find((slot) => slot.classList.contains("asked"));
      if (first) first.focus();
    }

    function ask(slot) {
      const answer = answers[slotKey(slot)];
      const open = answer && !answer.given;
      slot.classList.remove("pending", "wrong");
      slot.classList.toggle("asked", open);
      if (open) {
        slot.setAttribute("tabindex", "0");
        slot.setAttribute("role", "button");
        slot.setAttribute("aria-label", answer.name + ": type its value");
      }
    }

    // The boxes in the order the steps fill them: values forward, then derivatives backward.
    function inOrder() {
      const bySlot = new Map(slots.map((slot) => [slotKey(slot), slot]));
      return steps.map((step) => bySlot.get(step.slot)).filter((slot) => slot !== undefined);
    }

    function solve(slot) {
      slot.classList.remove("asked", "wrong", "pending");
      slot.removeAttribute("tabindex");
      slot.removeAttribute("role");
      slot.removeAttribute("aria-label");
    }

    function hideAll() {
      closeInput();
      for (const slot of slots) ask(slot);
    }

    function revealAll() {
      closeInput();
      for (const slot of slots) solve(slot);
      feedback.textContent = "Every box is filled in.";
    }

    function openInput(slot) {
      const answer = answers[slotKey(slot)];
      const figure = $(".vg-graph").getBoundingClientRect();
      const box = slot.querySelector("rect").getBoundingClientRect();
      const graph = $(".vg-graph");
      input.style.left = box.left - figure.left + graph.scrollLeft + "px";
      input.style.top = box.top - figure.top + graph.scrollTop + "px";
      input.style.width = Math.max(box.width, 90) + "px";
      input.style.height = box.height + "px";
      input.style.fontSize = Math.round(box.height * 0.62) + "px";
      input.setAttribute("aria-label", "Value of " + answer.name);
      input.placeholder = answer.name + " = ?";
      input.value = "";
      input.hidden = false;
      editing = slot;
      input.focus();
    }

    function closeInput() {
      input.hidden = true;
      editing = null;
    }

    function check() {
      const slot = editing;
      const answer = answers[slotKey(slot)];
      const text = input.value.trim().replace(/\u2212/g, "-");
      const number = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
      const [top, bottom] = text.split("/").map((part) => part.trim());
      const typed = number.test(text) ? Number(text)
        : bottom !== undefined && number.test(top) && number.test(bottom) ? Number(top) / Number(bottom)
        : NaN;
      if (!Number.isFinite(typed)) {
        feedback.textContent = "“" + input.value + "” is not a number: type one such as 11, -0.5, 1.2e-3 or 9/2.";
        input.select();
        return;
      }
      closeInput();
      if (Math.abs(typed - answer.value) <= answer.tolerance * (1 + 1e-9)) {
        solve(slot);
        feedback.textContent = "Right: " + answer.name + " = " + answer.shown + ".";
        const order = inOrder();
        const open = order.filter((s) => s.classList.contains("asked") || s.classList.contains("wrong"));
        const next = open.find((s) => order.indexOf(s) > order.indexOf(slot)) || open[0];
        if (next) next.focus();  // on to the next box
        else feedback.textContent += " Every box is filled in: well done.";
      } else {
        slot.classList.add("wrong");
        feedback.textContent = "Not quite: " + answer.name + " is not " + text + ". Try again.";
        slot.focus();
      }
    }

    svg.addEventListener("click", (event) => {
      const slot = event.target.closest && event.target.closest(".slot");
      if (practising && slot && (slot.classList.contains("asked") || slot.classList.contains("wrong"))) openInput(slot);
    });
    svg.addEventListener("keydown", (event) => {
      const slot = event.target.closest && event.target.closest(".slot");
      if (practising && slot && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        openInput(slot);
      }
    });
    input.addEventListener("blur", () => {
      if (!input.hidden) closeInput();  // clicking elsewhere closes the box unanswered
    });
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter") check();
      if (event.key === "Escape") {
        const slot = editing;
        closeInput();
        slot.focus();
      }
    });

    // -- controls ----------------------------------------------------------------
    $("[data-prev]").addEventListener("click", () => show(position - 1));
    $("[data-next]").addEventListener("click", () => show(position + 1));
    slider.addEventListener("input", () => show(Number(slider.value)));
    $("[data-practice]").addEventListener("click", () => practise(!practising));
    $("[data-reveal]").addEventListener("click", revealAll);
    $("[data-hide]").addEventListener("click", () => {
      hideAll();
      feedback.textContent = "Every box is empty again.";
    });
    const keys = (event) => {
      if (practising || event.target === input) return;
      // Keys belong to the viewer that holds the focus, or to the page's only viewer.
      const alone = document.querySelectorAll("[data-vizgraph-viewer]").length === 1;
      if (!viewer.contains(event.target) && !(alone && event.target === document.body)) return;
      if (event.target instanceof HTMLInputElement && event.target.type !== "range") return;
      const moves = { ArrowRight: position + 1, ArrowLeft: position - 1, Home: 0, End: steps.length };
      if (event.key in moves) {
        event.preventDefault();
        show(moves[event.key]);
      }
    };
    document.addEventListener("keydown", keys);
    show(0);
  }
})();
