// The desk's charts, drawn as SVG in the page: a line (an announcement's delivery over time) and bars (tips per week).

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children.flat()) node.append(child instanceof Node ? child : String(child));
  return node;
}

const CHART = { width: 360, height: 150, left: 34, bottom: 22, top: 8 };

function chartFrame(points) {
  const max = Math.max(1, ...points.map((point) => point.value));
  const plotHeight = CHART.height - CHART.bottom - CHART.top;
  const y = (value) => CHART.top + plotHeight - (value / max) * plotHeight;
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${CHART.width} ${CHART.height}`, role: "img" });
  root.append(
    svg("line", { class: "axis", x1: CHART.left, y1: y(0), x2: CHART.width, y2: y(0) }),
    svg("text", { x: CHART.left - 4, y: y(max) + 4, "text-anchor": "end" }, String(max)),
    svg("text", { x: CHART.left - 4, y: y(0), "text-anchor": "end" }, "0"),
  );
  return { root, y, plotWidth: CHART.width - CHART.left - 4 };
}

export function lineChart(points) {
  const { root, y, plotWidth } = chartFrame(points);
  if (points.length === 0) return root;
  const x = (index) => CHART.left + (points.length === 1 ? 0 : (index / (points.length - 1)) * plotWidth);
  root.append(svg("polyline", { class: "line", points: points.map((point, index) => `${x(index).toFixed(1)},${y(point.value).toFixed(1)}`).join(" ") }));
  const last = points.length - 1;
  root.append(
    svg("text", { x: x(0), y: CHART.height - 6 }, points[0].label),
    svg("text", { x: x(last), y: CHART.height - 6, "text-anchor": "end" }, points[last].label),
  );
  return root;
}

export function barChart(points, alternate) {
  const { root, y, plotWidth } = chartFrame(points);
  const slot = plotWidth / Math.max(1, points.length);
  points.forEach((point, index) => {
    const left = CHART.left + index * slot + slot * 0.15;
    root.append(svg("rect", { class: alternate ? "bar alt" : "bar", x: left.toFixed(1), y: y(point.value).toFixed(1), width: (slot * 0.7).toFixed(1), height: (y(0) - y(point.value)).toFixed(1) }, svg("title", {}, `${point.title ?? point.label}: ${point.value}`)));
    // Each label is centred under its own bar (one in three), not started there and spilling under the next one.
    if (index % 3 === 0) root.append(svg("text", { x: (left + slot * 0.35).toFixed(1), y: CHART.height - 6, "text-anchor": "middle" }, point.label));
  });
  return root;
}
