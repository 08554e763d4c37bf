import { validationFailed } from './github-errors.js';

/** One page of a list plus the `Link` header that points at the others. */
export interface Page<T> {
  items: T[];
  /** RFC 8288 `Link` header value, or undefined when everything fits on one page. */
  link: string | undefined;
}

/**
 * Slices `items` by `page` (1-based) and `per_page` (default 30, at most 100) as GitHub does
 * (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api), and builds
 * the `Link` header from `requestUrl`. Throws a 422 `GitHubHttpError` for non-numeric values.
 */
export function paginate<T>(items: T[], requestUrl: URL, documentationUrl: string): Page<T> {
  const perPage = Math.min(100, readPositiveInt(requestUrl, 'per_page', 30, documentationUrl));
  const page = readPositiveInt(requestUrl, 'page', 1, documentationUrl);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (lastPage === 1) return { items: slice, link: undefined };
  const linkTo = (n: number, rel: string): string => {
    const url = new URL(requestUrl);
    url.searchParams.set('page', String(n));
    url.searchParams.set('per_page', String(perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(linkTo(page - 1, 'prev'), linkTo(1, 'first'));
  if (page < lastPage) links.push(linkTo(page + 1, 'next'), linkTo(lastPage, 'last'));
  return { items: slice, link: links.length > 0 ? links.join(', ') : undefined };
}

function readPositiveInt(url: URL, name: string, fallback: number, documentationUrl: string): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw validationFailed([{ resource: 'Search', field: name, code: 'invalid' }], documentationUrl);
  }
  return value;
}
