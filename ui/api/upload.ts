/**
 * Uploading a file to an attachment field: the raw file as the request body (its type as Content-Type, its name in
 * Content-Disposition), through XMLHttpRequest because fetch cannot report upload progress. Answers and errors have
 * the shapes of the JSON client's ({@link ApiResponse}, {@link ApiError}).
 */
import { ApiError, tablePath, type ApiClient, type ApiResponse } from './client.js';
import type { FieldProblem } from './types.js';

/** An attachment as the API shows it (GET /api/tables/:t/:id/attachments). */
export interface AttachmentInfo {
  id: string;
  field: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  scanStatus: string;
  createdBy: string | null;
  createdAt: string;
  href: string;
}

/** What an attachment field holds per file. */
export interface AttachmentEntry { id: string; name: string; type: string; size: number }

/** The API path of a record's attachment field, or of one attachment in it. */
export function attachmentPath(table: string, id: string, field: string, attachmentId?: string): string {
  return tablePath(table, id, `attachments/${encodeURIComponent(field)}${attachmentId ? `/${encodeURIComponent(attachmentId)}` : ''}`);
}

/** The URL a browser downloads an attachment from (the session cookie authenticates it). */
export function attachmentUrl(table: string, id: string, field: string, attachmentId: string): string {
  return `/api${attachmentPath(table, id, field, attachmentId)}`;
}

/**
 * POST `file` as the raw body of a request to `path` (an API path), through XMLHttpRequest because fetch cannot
 * report upload progress; `onProgress` gets the fraction sent (0–1). `headers` are sent besides Accept, the file's
 * type as Content-Type and the CSRF token. Resolves with the answer's `data` in the JSON client's shape; rejects with
 * {@link ApiError} (status 0 when the server cannot be reached), telling the client when the session was lost.
 */
export function sendFile<T>(
  api: ApiClient, path: string, file: File, headers: Record<string, string> = {}, onProgress?: (fraction: number) => void,
): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    if (api.csrfToken) xhr.setRequestHeader('x-csrf-token', api.csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection and try again.'));
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) as Record<string, unknown> : {};
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, data: body.data as T, body, etag: xhr.getResponseHeader('etag') });
        return;
      }
      const code = typeof body.code === 'string' ? body.code : `http_${xhr.status}`;
      const detail = typeof body.detail === 'string' ? body.detail : `The server answered ${xhr.status}.`;
      const errors = Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [];
      if (xhr.status === 401 && (code === 'unauthenticated' || code === 'session_expired')) api.onSessionLost?.(code);
      reject(new ApiError(xhr.status, code, detail, errors, body));
    };
    xhr.send(file);
  });
}

/**
 * POST the file to the record's attachment field (its name in Content-Disposition). `onProgress` gets the fraction
 * sent (0–1). Resolves with the stored attachment and the record's new ETag; rejects as {@link sendFile} does.
 */
export function uploadFile(
  api: ApiClient, table: string, id: string, field: string, file: File, onProgress?: (fraction: number) => void,
): Promise<ApiResponse<AttachmentInfo>> {
  const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`;
  return sendFile<AttachmentInfo>(api, attachmentPath(table, id, field), file, { 'content-disposition': disposition }, onProgress);
}

/** DELETE one attachment; resolves with the record's new ETag. */
export async function removeAttachment(
  api: ApiClient, table: string, id: string, field: string, attachmentId: string,
): Promise<string | null> {
  const res = await api.request<unknown>('DELETE', attachmentPath(table, id, field, attachmentId));
  return res.etag;
}
