import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/** What router's Layer keeps of the path it was mounted on (`router.use(path, …)`, `router.route(path)`). */
interface LayerPaths { rawPath?: unknown; slash?: boolean }

/**
 * The first segments of every path `router` mounts anything on (`/tables/:table` → `tables`), or null when some
 * layer runs for any path (a path-less `use`) or its first segment is a parameter or pattern.
 */
export function firstSegments(router: Router): Set<string> | null {
  const segments = new Set<string>();
  for (const layer of router.stack as LayerPaths[]) {
    if (layer.slash) return null;
    for (const path of [layer.rawPath].flat()) {
      const first = typeof path === 'string' ? /^\/([^/]*)/.exec(path)?.[1] : undefined;
      if (first === undefined || first === '' || /[:*?(){}[\]]/.test(first)) return null;
      segments.add(first);
    }
  }
  return segments;
}

/**
 * `router`, entered only by requests whose path (below the mount point) begins with one of the first segments its
 * own layers are mounted on; any other request passes it with one lookup instead of trying each of its routes in
 * turn. A router some layer of which could match any path is returned as it is.
 */
export function byFirstSegment(router: Router): RequestHandler {
  const segments = firstSegments(router);
  if (!segments) return router;
  return function byFirstSegmentGate(req: Request, res: Response, next: NextFunction) {
    const path = req.path;
    const end = path.indexOf('/', 1);
    if (segments.has(end === -1 ? path.slice(1) : path.slice(1, end))) {
      router(req, res, next);
      return;
    }
    next();
  };
}
