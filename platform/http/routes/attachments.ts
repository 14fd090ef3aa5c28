/**
 * The attachment API: /api/tables/:table/:id/attachments[/:field[/:attachmentId]]. Thin: parse the request, call
 * the attachment service (platform/files) with the request's actor, respond.
 *
 * Mounted before the JSON-only rule and the JSON parser (app.ts): an upload's body is the file itself, any type,
 * streamed to the store without being parsed or buffered. Every other route still gets 415 for a non-JSON body.
 */
import { Router, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Formwork } from '../../context.js';
import { fail } from '../../errors.js';
import { AttachmentService, attachmentDisposition, fileNameFromDisposition, type AttachmentInfo } from '../../files/index.js';
import { compileQuery, NO_QUERY, param, readQuery } from '../input.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { etag } from './records.js';

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A download is a document, not API data: it may never run anything, even when opened in place. */
const DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

type Params = { table: string; id: string; field?: string; attachmentId?: string };

/** An upload may name its file in the query when it has no Content-Disposition (which wins). */
const UPLOAD_QUERY = compileQuery<{ name?: string }>({ name: param.text });

export function attachmentsRouter(fw: Formwork): Router {
  const router = Router();
  const files = new AttachmentService(fw);
  const href = (req: Request<Params>, a: AttachmentInfo) =>
    `${req.baseUrl}/tables/${encodeURIComponent(req.params.table)}/${recordId(fw, req)}/attachments/${encodeURIComponent(a.field)}/${a.id}`;

  router.route('/tables/:table/:id/attachments')
    .get(async (req: Request<Params>, res) => {
      readQuery(req, NO_QUERY);
      const list = await files.list(req.params.table, recordId(fw, req), res.locals.actor);
      res.json({ data: list.map((a) => ({ ...a, href: href(req, a) })) });
    })
    .all(methodNotAllowed(['GET']));

  router.route('/tables/:table/:id/attachments/:field')
    .post(async (req: Request<Params>, res) => {
      const fromQuery = readQuery(req, UPLOAD_QUERY).name;
      // A file is stored as its bytes arrive: an encoded body would be kept (and later served) still encoded.
      const encoding = req.get('content-encoding')?.trim().toLowerCase();
      if (encoding && encoding !== 'identity') {
        if (!req.complete) res.setHeader('Connection', 'close');
        fail('unsupported_media_type', `Send the file as it is: a Content-Encoding ("${encoding}") is not accepted on uploads.`, {
          fieldErrors: [{ field: req.params.field!, code: 'encoding_not_allowed', message: 'Upload the file without a Content-Encoding.' }],
        });
      }
      const length = req.get('content-length');
      try {
        const result = await files.upload({
          table: req.params.table, recordId: recordId(fw, req), field: req.params.field!,
          contentType: req.get('content-type'),
          fileName: fileNameFromDisposition(req.get('content-disposition')) ?? fromQuery,
          contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
          body: req,
        }, res.locals.actor);
        const link = href(req, result.attachment);
        res.status(201).location(link).setHeader('ETag', etag(result.recordVersion));
        res.json({ data: { ...result.attachment, href: link }, meta: { recordVersion: result.recordVersion } });
      } catch (e) {
        // Refused before the whole file arrived: answer at once and close, rather than read the rest of it.
        if (!req.complete) res.setHeader('Connection', 'close');
        throw e;
      }
    })
    .all(methodNotAllowed(['POST']));

  router.route('/tables/:table/:id/attachments/:field/:attachmentId')
    .get(async (req: Request<Params>, res: Response) => {
      readQuery(req, NO_QUERY);
      const { attachment, content } = await files.open(
        req.params.table, recordId(fw, req), req.params.field!, req.params.attachmentId!, res.locals.actor,
      );
      res.status(200);
      res.setHeader('Content-Type', attachment.type);
      res.setHeader('Content-Length', String(attachment.size));
      res.setHeader('Content-Disposition', attachmentDisposition(attachment.name));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
      res.setHeader('ETag', `"${attachment.sha256}"`);
      try {
        await pipeline(content, res);
      } catch (e) {
        // The reader went away mid-download: nothing to answer.
        if ((e as NodeJS.ErrnoException)?.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
      }
    })
    .delete(async (req: Request<Params>, res) => {
      readQuery(req, NO_QUERY);
      const version = await files.remove(
        req.params.table, recordId(fw, req), req.params.field!, req.params.attachmentId!, res.locals.actor,
      );
      res.setHeader('ETag', etag(version));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  return router;
}

/** The `:id` of the request; a malformed one names no record (`not_found`, as the record API answers). */
function recordId(fw: Formwork, req: Request<Params>): string {
  const { table, id } = req.params;
  if (!RECORD_ID.test(id)) {
    fw.registry.current.getTable(table);
    fail('not_found', `Record "${id}" of table "${table}" does not exist.`);
  }
  return id.toLowerCase();
}
