/**
 * Immutable edits of a condition tree by node key: every edit returns a new tree, so Lit sees the change.
 */
import type { ConditionNode, GroupNode } from './condition-model.js';

/** The tree with the node of `key` replaced by `fn(node)`. */
export function updateNode(root: GroupNode, key: number, fn: (n: ConditionNode) => ConditionNode): GroupNode {
  const walk = (n: ConditionNode): ConditionNode => {
    if (n.key === key) return fn(n);
    return n.type === 'group' ? { ...n, children: n.children.map(walk) } : n;
  };
  return walk(root) as GroupNode;
}

/** The group holding the node of `key`, or null (the top group has no parent). */
export function parentOf(root: GroupNode, key: number): GroupNode | null {
  for (const c of root.children) {
    if (c.key === key) return root;
    if (c.type === 'group') {
      const p = parentOf(c, key);
      if (p) return p;
    }
  }
  return null;
}

/** How deep the group of `key` is (the top group is 1), or 0 when there is none. */
export function depthOf(root: GroupNode, key: number, depth = 1): number {
  if (root.key === key) return depth;
  for (const c of root.children) {
    if (c.type === 'group') {
      const d = depthOf(c, key, depth + 1);
      if (d) return d;
    }
  }
  return 0;
}

/** The tree without the node of `key`. */
export function removeNode(root: GroupNode, key: number): GroupNode {
  const walk = (g: GroupNode): GroupNode => ({
    ...g, children: g.children.filter((c) => c.key !== key).map((c) => (c.type === 'group' ? walk(c) : c)),
  });
  return walk(root);
}

/** The tree with `child` added at the end of the group of `groupKey`. */
export function addChild(root: GroupNode, groupKey: number, child: ConditionNode): GroupNode {
  return updateNode(root, groupKey, (g) => (g.type === 'group' ? { ...g, children: [...g.children, child] } : g));
}

/** The tree with the node of `key` moved one place up (-1) or down (+1) among its siblings. */
export function moveNode(root: GroupNode, key: number, by: -1 | 1): GroupNode {
  const parent = parentOf(root, key);
  if (!parent) return root;
  const i = parent.children.findIndex((c) => c.key === key);
  const j = i + by;
  if (j < 0 || j >= parent.children.length) return root;
  const children = [...parent.children];
  [children[i], children[j]] = [children[j]!, children[i]!];
  return updateNode(root, parent.key, (g) => ({ ...(g as GroupNode), children }));
}
