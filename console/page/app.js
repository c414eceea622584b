// The console's page: plain browser JavaScript, no build step. The server sends the execution
// list and the open execution over server-sent events; this script only draws them.
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { selected: new URLSearchParams(location.search).get("execution"), followNewest: true, source: undefined, list: [], view: undefined };
  if (state.selected) state.followNewest = false;
  const charts = { fleet: undefined, traffic: undefined };
  // Read by the browser tests: what the charts were last given.
  window.gantryConsole = { state, charts: { fleet: undefined, traffic: undefined } };

  const text = (tag, content, className) => {
    const node = document.createElement(tag);
    node.textContent = content ?? "";
    if (className) node.className = className;
    return node;
  };
  const seconds = (value) => (value === undefined ? "" : `${value} s`);

  const tokenInput = $("token");
  tokenInput.value = sessionStorage.getItem("gantry-token") ?? "";
  const showAccess = () => {
    const on = tokenInput.value.trim() !== "";
    $("access").textContent = on ? "actions enabled" : "read-only";
    $("access").className = `badge ${on ? "SUCCEEDED" : ""}`;
  };
  tokenInput.addEventListener("input", () => {
    sessionStorage.setItem("gantry-token", tokenInput.value.trim());
    showAccess();
  });
  showAccess();

  function connect() {
    state.source?.close();
    const query = state.selected ? `?execution=${encodeURIComponent(state.selected)}` : "";
    const source = new EventSource(`/events${query}`);
    state.source = source;
    source.addEventListener("open", () => ($("connection").textContent = "live"));
    source.addEventListener("error", () => ($("connection").textContent = "reconnecting…"));
    source.addEventListener("executions", (event) => renderList(JSON.parse(event.data)));
    source.addEventListener("execution", (event) => renderView(JSON.parse(event.data)));
  }

  function select(name, byPerson) {
    if (byPerson) state.followNewest = false;
    if (name === state.selected) return;
    state.selected = name;
    history.replaceState(null, "", `?execution=${encodeURIComponent(name)}`);
    renderList(state.list);
    connect();
  }

  function renderList(list) {
    state.list = list;
    $("no-executions").hidden = list.length > 0;
    const rows = list.map((execution) => {
      const row = document.createElement("tr");
      row.dataset.execution = execution.name;
      if (execution.name === state.selected) row.className = "selected";
      const batch = execution.batch ? ` ${execution.batch.current}/${execution.batch.of}` : "";
      row.append(
        text("td", execution.name),
        text("td", execution.release),
        Object.assign(document.createElement("td"), { innerHTML: "" }),
        text("td", `${execution.currentState}${batch}`),
        text("td", seconds(execution.durationSeconds)),
      );
      row.children[2].append(text("span", execution.status, `badge ${execution.status}`));
      row.addEventListener("click", () => select(execution.name, true));
      return row;
    });
    $("executions").replaceChildren(...rows);
    const newest = list[0]?.name;
    if (newest && state.followNewest && newest !== state.selected) select(newest, false);
  }

  function renderView(view) {
    state.view = view;
    if (!view) return;
    const { summary } = view;
    $("title").textContent = summary.name;
    const facts = [
      text("span", summary.status, `badge ${summary.status}`),
      text("span", ` release ${summary.release}`),
      text("span", ` · ${summary.currentState}${summary.batch ? ` (batch ${summary.batch.current} of ${summary.batch.of})` : ""}`),
      text("span", ` · ${summary.durationSeconds} s`),
      text("span", view.trigger ? ` · started by ${view.trigger}` : ""),
      text("span", ` · ${summary.historyEvents} history events`, "dim"),
    ];
    $("facts").replaceChildren(...facts);
    const failed = summary.status !== "RUNNING" && summary.status !== "SUCCEEDED";
    $("cause").hidden = !summary.cause;
    $("cause").textContent = summary.cause ? `${failed && summary.error ? `${summary.error}: ` : ""}${summary.cause}` : "";

    $("steps").replaceChildren(
      ...view.steps.map((step) => {
        const row = document.createElement("tr");
        row.append(text("td", `+${step.atSeconds} s`), text("td", step.state), text("td", seconds(step.tookSeconds)), text("td", step.summary ?? ""));
        if (step.error) row.children[1].append(text("span", ` ✗ ${step.error}`, "error"));
        return row;
      }),
    );
    renderGates(view.gates);
    const floor = view.floor === undefined ? "" : `, capacity floor ${view.floor}`;
    $("fleet-note").textContent = `(${view.fleet.source === "watched" ? "watched live" : "from each step's report"}${floor})`;
    window.gantryConsole.charts.fleet = view.fleet;
    charts.fleet = draw(charts.fleet, $("fleet-chart"), view.fleet.labels, view.fleet.data, fleetSeries);
    $("traffic").hidden = !view.traffic;
    if (view.traffic) {
      $("traffic-note").textContent = `(${view.traffic.total} requests, ${view.traffic.failed} failed)`;
      window.gantryConsole.charts.traffic = view.traffic;
      charts.traffic = draw(charts.traffic, $("traffic-chart"), view.traffic.labels, view.traffic.data, trafficSeries);
    }
  }

  function renderGates(gates) {
    if (gates.length === 0) return $("gates").replaceChildren(text("p", "No gate has checked a batch yet.", "dim"));
    $("gates").replaceChildren(
      ...gates.map((gate) => {
        const box = text("div", "", "gate");
        const { targets, http, alarms } = gate.evidence;
        const parts = [`targets ${targets.healthy}/${targets.instances} healthy`];
        if (http) parts.push(`HTTP ${http.passed}/${http.checked} passed`);
        if (alarms) parts.push(alarms.length ? alarms.map((alarm) => `${alarm.name} ${alarm.state}`).join(", ") : "no alarms");
        box.append(text("strong", `batch ${gate.batch} · ${gate.phase === "bake" ? "after bake" : "new instances"}: `), text("span", parts.join(" · ")));
        box.append(text("span", ` (checked ${gate.evidence.checkedAt})`, "dim"));
        for (const problem of targets.notHealthy) {
          box.append(text("div", `${problem.instanceId}: ${problem.state}${problem.reason ? ` (${problem.reason})` : ""}`, "error"));
        }
        for (const failure of http?.failures ?? []) box.append(text("div", `${failure.instanceId}: ${failure.problem}`, "error"));
        return box;
      }),
    );
  }

  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
  function fleetSeries(labels) {
    const releases = [...new Set(labels.map((label) => label.split(" ")[0]))];
    return labels.map((label) => {
      if (label === "serving") return { label, stroke: "#111", width: 3 };
      if (label === "capacity floor") return { label, stroke: "#c0392b", width: 2, dash: [6, 4] };
      const [release, lifecycle] = label.split(" ");
      const colour = palette[releases.indexOf(release) % palette.length];
      return { label, stroke: colour, width: lifecycle === "InService" ? 2 : 1, dash: lifecycle === "InService" ? undefined : [2, 3] };
    });
  }
  function trafficSeries(labels) {
    return labels.map((label) => ({ label, stroke: label === "failed/s" ? "#c0392b" : "#1f77b4", width: 2 }));
  }

  function draw(chart, element, labels, data, seriesOf) {
    const key = labels.join("|");
    if (chart && chart.key === key) {
      chart.plot.setData(data);
      return chart;
    }
    chart?.plot.destroy();
    const options = {
      width: Math.max(300, element.clientWidth || 600),
      height: 220,
      scales: { x: { time: false } },
      axes: [{ label: "seconds since the execution started" }, {}],
      series: [{ label: "s" }, ...seriesOf(labels).map((series) => ({ ...series, spanGaps: true }))],
    };
    return { key, plot: new uPlot(options, data, element) };
  }

  async function loadActions() {
    const info = await (await fetch("/api/console")).json();
    $("mode").textContent = info.mode;
    $("where").textContent = info.where;
    const forms = info.actions.map((action) => {
      const form = document.createElement("form");
      form.dataset.action = action.name;
      form.append(text("strong", action.label), text("div", action.description, "dim"));
      for (const field of action.fields) {
        const label = text("label", `${field.label} `);
        let input;
        if (field.choices) {
          input = document.createElement("select");
          if (field.optional) input.append(text("option", ""));
          for (const choice of field.choices) input.append(Object.assign(text("option", choice), { value: choice }));
        } else {
          input = document.createElement("input");
        }
        input.name = field.name;
        if (field.default !== undefined) input.value = field.default;
        label.append(input);
        form.append(label);
      }
      const button = text("button", action.label);
      button.type = "submit";
      form.append(button);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        void runAction(action, form);
      });
      return form;
    });
    if (forms.length === 0) forms.push(text("p", "This console offers no actions: it only shows what happens.", "dim"));
    $("action-forms").replaceChildren(...forms);
  }

  async function runAction(action, form) {
    const fields = {};
    for (const [name, value] of new FormData(form)) if (value !== "") fields[name] = value;
    const headers = { "content-type": "application/json" };
    const token = tokenInput.value.trim();
    if (token) headers["x-gantry-token"] = token;
    const result = $("action-result");
    result.className = "";
    result.textContent = `${action.label}…`;
    const response = await fetch(`/api/actions/${encodeURIComponent(action.name)}`, { method: "POST", headers, body: JSON.stringify(fields) });
    const body = await response.json().catch(() => ({}));
    result.className = response.ok ? "accepted" : "refused";
    result.textContent = response.ok ? body.message : `${response.status}: ${body.error ?? response.statusText}`;
    if (response.ok) state.followNewest = true;
  }

  void loadActions();
  connect();
})();
