/**
 * The workflow diagram's layout, by dagre (a layered graph layout): states as boxes top to bottom in the order
 * records move through them, one arrow per state a transition starts from (a transition from several states is
 * several arrows with the same label), self-loops beside their box. A transition from any state starts at one extra
 * box, "Any state". Sizes are estimated from the labels' lengths, so the layout needs no DOM and runs in tests.
 */
import dagre from '@dagrejs/dagre';
import type { WorkflowView } from './workflow-model.js';

/** The id of the extra box that transitions from any state start at. */
export const ANY_STATE = '*';

/** A point of the diagram, in SVG user units. */
export interface DiagramPoint { x: number; y: number }

/** One box: a state (or the "Any state" box), centred at x, y. */
export interface DiagramNode {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  initial: boolean;
  final: boolean;
  /** The "Any state" box. */
  any: boolean;
}

/** One arrow: part of transition `transition` (its index), from one state to another, its label at labelX, labelY. */
export interface DiagramEdge {
  transition: number;
  from: string;
  to: string;
  label: string;
  points: DiagramPoint[];
  labelX: number;
  labelY: number;
  labelWidth: number;
}

/** A laid-out diagram. */
export interface Diagram { width: number; height: number; nodes: DiagramNode[]; edges: DiagramEdge[] }

/** Box height: the label line and the start or end note under it. */
export const NODE_HEIGHT = 54;
/** Height of an arrow's label. */
export const EDGE_LABEL_HEIGHT = 20;
const CHAR = 8.2;
const EDGE_CHAR = 7.2;

/** A label's width in the diagram's font, estimated (SVG text is not measured: the layout runs without a DOM too). */
export const textWidth = (text: string, perChar = CHAR) => Math.ceil(text.length * perChar);

/** Lay the workflow out; states referred to by transitions but missing from `states` are left out with their arrows. */
export function layoutWorkflow(view: WorkflowView): Diagram {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 60, edgesep: 20, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(view.states.map((s) => s.value));
  for (const s of view.states) {
    g.setNode(s.value, { width: Math.max(140, textWidth(s.label) + 40), height: NODE_HEIGHT });
  }
  const anyUsed = view.transitions.some((t) => t.anyState && known.has(t.to));
  if (anyUsed) g.setNode(ANY_STATE, { width: 140, height: NODE_HEIGHT });
  view.transitions.forEach((t, i) => {
    if (!known.has(t.to)) return;
    const froms = t.anyState ? [ANY_STATE] : t.from.filter((f) => known.has(f));
    for (const from of froms) {
      g.setEdge({ v: from, w: t.to, name: `${i}:${from}` }, {
        width: textWidth(t.label, EDGE_CHAR) + 12, height: EDGE_LABEL_HEIGHT, labelpos: 'c', transition: i,
      });
    }
  });
  dagre.layout(g);
  const byValue = new Map(view.states.map((s) => [s.value, s]));
  const nodes: DiagramNode[] = g.nodes().map((id: string) => {
    const n = g.node(id);
    const s = byValue.get(id);
    return {
      id, label: s?.label ?? 'Any state', x: n.x, y: n.y, width: n.width, height: n.height,
      initial: s?.initial ?? false, final: s?.final ?? false, any: id === ANY_STATE,
    };
  });
  const edges: DiagramEdge[] = g.edges().map((e: { v: string; w: string; name?: string }) => {
    const label = g.edge(e) as { points: DiagramPoint[]; x: number; y: number; width: number; transition: number };
    const t = view.transitions[label.transition]!;
    return {
      transition: label.transition, from: e.v, to: e.w, label: t.label, points: label.points.map((p) => ({ x: p.x, y: p.y })),
      labelX: label.x, labelY: label.y, labelWidth: label.width,
    };
  });
  const graph = g.graph() as { width?: number; height?: number };
  return { width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0), nodes, edges };
}
