/**
 * The service catalogue's API as the portal uses it (GET /api/catalog…, ordering, the cart and requests): typed calls
 * over the JSON client and the shapes of their answers. Errors are the client's {@link ApiError}s; a 422
 * `validation_failed` names each problem by variable (a multi-row set's cell as `set[2].field`, rows from 0).
 */
import type { AttachmentRule, CatalogCard, Duration, Price, RecurringPrice } from '../../platform/catalog/types.js';
import type { ApiClient } from './client.js';
import type { FieldMeta, FormMeta, RecordData } from './types.js';
import { sendFile } from './upload.js';

export interface CatalogCategory {
  name: string;
  title: string;
  description?: string;
  icon?: string;
  /** The category this one sits under, or null / absent at the top. */
  parent?: string | null;
  order?: number;
}

export interface Catalogue {
  name: string;
  title: string;
  description?: string;
  icon?: string;
  order?: number;
  categories: CatalogCategory[];
}

/** A display price: an amount and its ISO 4217 currency (default GBP). */
export type Money = Price;
/** A price paid again each period. */
export type RecurringMoney = RecurringPrice;
/** An item or order guide as lists show it. */
export type ItemSummary = CatalogCard;
export type { AttachmentRule, Duration };

/** A multi-row set: a list of rows, each answering the set's variables (`fields`, in column order). */
export interface MultiRowSet {
  name: string;
  title: string;
  description?: string;
  minRows: number;
  maxRows: number;
  fields: FieldMeta[];
  /** As the API sends it: the row's form (its sections name the columns in order). */
  form?: CatalogForm;
}

/** The form the portal renders for an item or a guide: the variables as a form's fields, with their UI policies. */
export type CatalogForm = Pick<FormMeta, 'sections' | 'uiPolicies' | 'fields'> & Partial<FormMeta>;

/** GET /api/catalog/items/:name (and, without quantity and attachments, /guides/:name). */
export interface CatalogItem extends ItemSummary {
  description?: string;
  /** Whether a quantity is asked, and the most (the API sends `{ asked, max }`; normalised to null when not asked). */
  quantity?: { max: number; asked?: boolean } | null;
  attachments?: AttachmentRule | null;
  form: CatalogForm;
  /** Answers prefilled for the orderer (their email…). */
  defaults?: RecordData;
  multiRow?: MultiRowSet[];
  creates?: 'request' | 'record';
  /** The first of its categories the person sees (the page's breadcrumb). */
  category?: { name: string; title: string } | null;
}

export interface StagedAttachment { id: string; name: string; size: number; type: string }

/** What an order (or a checkout) made: a request with its items, or a record. */
export interface OrderResult {
  request?: { id: string; number: string };
  items?: { id: string; number: string }[];
  record?: { table: string; id: string; number?: string | null };
}

export interface OrderPayload {
  variables: RecordData;
  quantity?: number;
  attachments?: string[];
}

export interface CartLine {
  id: string;
  item: string;
  /** The item's card; null once it can no longer be ordered. */
  card?: ItemSummary | null;
  quantity: number;
  /** The answers as given. */
  variables?: RecordData;
  attachments?: string[];
}

export interface Cart { lines: CartLine[] }

/** A request as "My requests" lists it. */
export interface RequestSummary {
  id: string;
  number: string;
  shortDescription?: string | null;
  state?: string | null;
  stateLabel?: string | null;
  /** When it was raised and by whom (username). */
  openedAt?: string | null;
  requestedBy?: string | null;
  requestedFor?: string | null;
  closedAt?: string | null;
  lastAction?: string | null;
  lastActionAt?: string | null;
}

/** One answer of a requested item, as people read it; a multi-row set's cells carry the set and the row (from 1). */
export interface RequestAnswer { variable?: string; label: string; type?: string; value: string; set?: string | null; row?: number | null }

export interface RequestItem {
  id: string;
  number: string;
  title: string;
  table?: string;
  quantity?: number | null;
  stateLabel?: string | null;
  state?: string | null;
  answers: RequestAnswer[];
  approvals?: RequestApproval[];
}

export interface RequestApproval {
  id?: string;
  approver?: string | null;
  status?: string | null;
  stage?: string | null;
  decidedBy?: string | null;
  comment?: string | null;
  requestedAt?: string | null;
  decidedAt?: string | null;
}

export interface RequestUpdate {
  id?: string;
  type: string;
  typeLabel?: string | null;
  text: string;
  author?: string | null;
  createdAt?: string | null;
}

/** GET /api/catalog/requests/:id. */
export interface RequestDetail extends RequestSummary {
  table?: string;
  items: RequestItem[];
  updates: RequestUpdate[];
  /** Whether the person may cancel it now (not yet fulfilled). */
  cancellable?: boolean;
}

const enc = encodeURIComponent;

/** GET /api/catalog (`{ catalogs: […] }`). */
export async function fetchCatalogues(api: ApiClient): Promise<Catalogue[]> {
  const data = (await api.get<{ catalogs: Catalogue[] } | Catalogue[]>('/catalog')).data;
  return Array.isArray(data) ? data : data?.catalogs ?? [];
}

/** GET /api/catalog/items (an item list of one category, or a search). */
export async function fetchItems(api: ApiClient, query: { category?: string; q?: string }, signal?: AbortSignal): Promise<ItemSummary[]> {
  return (await api.get<ItemSummary[]>('/catalog/items', { query: { category: query.category || undefined, q: query.q || undefined }, signal })).data ?? [];
}

/** GET /api/catalog/items/:name; rejects with `not_found` for an item the person may not see. */
export async function fetchItem(api: ApiClient, name: string): Promise<CatalogItem> {
  return normaliseItem((await api.get<CatalogItem>(`/catalog/items/${enc(name)}`)).data);
}

/** GET /api/catalog/guides/:name. */
export async function fetchGuide(api: ApiClient, name: string): Promise<CatalogItem> {
  return normaliseItem({ ...(await api.get<CatalogItem>(`/catalog/guides/${enc(name)}`)).data, quantity: null, attachments: null });
}

/** The item as the portal renders it: quantity null when not asked, each multi-row set's columns in order. */
function normaliseItem(item: CatalogItem): CatalogItem {
  const quantity = item.quantity && item.quantity.asked !== false ? { max: item.quantity.max } : null;
  const multiRow = (item.multiRow ?? []).map((m) => {
    if (m.fields?.length || !m.form) return m;
    const names = [...new Set(m.form.sections.flatMap((s) => s.columns.flat()))];
    const fields = names.map((n) => m.form!.fields[n]).filter((f): f is FieldMeta => !!f);
    return { ...m, fields };
  });
  return { ...item, quantity, multiRow };
}

/** A service an order guide chose, with the guide's answers to the questions it asks too. */
export interface ChosenItem extends ItemSummary { variables: RecordData }

/** POST /api/catalog/guides/:name/choose: the items the answers choose, each with the answers cascaded into it. */
export async function chooseGuideItems(api: ApiClient, name: string, variables: RecordData): Promise<ChosenItem[]> {
  return (await api.post<{ items: ChosenItem[] }>(`/catalog/guides/${enc(name)}/choose`, { variables })).data.items ?? [];
}

/** POST /api/catalog/items/:name/order. */
export async function orderItem(api: ApiClient, name: string, payload: OrderPayload): Promise<OrderResult> {
  return (await api.post<OrderResult>(`/catalog/items/${enc(name)}/order`, payload)).data;
}

/** POST /api/catalog/cart/items. */
export async function addToCart(api: ApiClient, item: string, payload: OrderPayload): Promise<CartLine> {
  return (await api.post<CartLine>('/catalog/cart/items', { item, ...payload })).data;
}

/** GET /api/catalog/cart (lines as an array or under `lines`). */
export async function fetchCart(api: ApiClient): Promise<Cart> {
  const data = (await api.get<Cart | CartLine[]>('/catalog/cart')).data;
  return Array.isArray(data) ? { lines: data } : { lines: data?.lines ?? [] };
}

/** PATCH /api/catalog/cart/items/:id. */
export async function changeCartQuantity(api: ApiClient, id: string, quantity: number): Promise<void> {
  await api.patch(`/catalog/cart/items/${enc(id)}`, { quantity });
}

/** DELETE /api/catalog/cart/items/:id. */
export async function removeCartLine(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/catalog/cart/items/${enc(id)}`);
}

/** POST /api/catalog/cart/checkout. */
export async function checkout(api: ApiClient): Promise<OrderResult> {
  return (await api.post<OrderResult>('/catalog/cart/checkout', {})).data;
}

/** GET /api/catalog/requests?scope=. */
export async function fetchRequests(api: ApiClient, scope: 'mine' | 'org'): Promise<RequestSummary[]> {
  return (await api.get<RequestSummary[]>('/catalog/requests', { query: { scope } })).data ?? [];
}

/** GET /api/catalog/requests/:id. */
export async function fetchRequest(api: ApiClient, id: string): Promise<RequestDetail> {
  return (await api.get<RequestDetail>(`/catalog/requests/${enc(id)}`)).data;
}

/** POST /api/catalog/requests/:id/updates. */
export async function addRequestUpdate(api: ApiClient, id: string, update: { type: string; text: string }): Promise<void> {
  await api.post(`/catalog/requests/${enc(id)}/updates`, update);
}

/** POST /api/catalog/requests/:id/cancel. */
export async function cancelRequest(api: ApiClient, id: string): Promise<void> {
  await api.post(`/catalog/requests/${enc(id)}/cancel`, {});
}

/**
 * POST a file to be attached to an order (staged until the order names it), as the raw body, its name in the query.
 * `onProgress` gets the fraction sent (0–1); rejects as {@link sendFile} does.
 */
export async function stageAttachment(
  api: ApiClient, item: string, file: File, onProgress?: (fraction: number) => void,
): Promise<StagedAttachment> {
  return (await sendFile<StagedAttachment>(api, `/catalog/items/${enc(item)}/attachments?name=${enc(file.name)}`, file, {}, onProgress)).data;
}
