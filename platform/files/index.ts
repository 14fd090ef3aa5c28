/**
 * Attachments: storage (database or a files directory), limits and type checks, scanning. The HTTP routes are in
 * platform/http/routes/attachments.ts.
 */
export { AttachmentService, attachmentRecordHook, describeAccept, type OpenedAttachment, type UploadInput, type UploadResult } from './attachment-service.js';
export { ClamdScanner, type ClamdOptions } from './clamd-scanner.js';
export { contentProblem, detectType, isAccepted, isTextType, mediaType, SNIFF_BYTES, TextChecker } from './content-type.js';
export { BLOB_CHUNK_SIZE, DatabaseStore } from './database-store.js';
export { DirectoryStore } from './directory-store.js';
export { EICAR, EicarScanner } from './eicar-scanner.js';
export { attachmentDisposition, fileNameFromDisposition, MAX_FILE_NAME_BYTES, MAX_FILE_NAME_LENGTH, sanitiseFileName } from './file-name.js';
export { formatBytes, UploadInspector, type Inspection } from './upload-inspector.js';
export { configuredScanners, declaredType, streamUpload, type StreamedUpload, type StreamUploadOptions } from './upload-stream.js';
export type * from './types.js';
