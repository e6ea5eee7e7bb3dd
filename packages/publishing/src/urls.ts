import type { Lang } from './types.ts';

/** Public URLs of one organisation, built from the service's public origin (PUBLIC_URL). */
export interface PublicUrls {
  board: string;
  entry: (id: string) => string;
  rss: string;
  atom: string;
  jsonFeed: string;
  embed: string;
  poster: string;
  subscribe: string;
  feedback: string;
}

export function publicUrls(baseUrl: string, slug: string): PublicUrls {
  const root = `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(slug)}`;
  return {
    board: `${root}/you-said-we-did`,
    entry: (id) => `${root}/you-said-we-did/${encodeURIComponent(id)}`,
    rss: `${root}/feed.rss`,
    atom: `${root}/feed.atom`,
    jsonFeed: `${root}/feed.json`,
    embed: `${root}/embed`,
    poster: `${root}/poster.pdf`,
    subscribe: `${root}/subscribe`,
    feedback: `${root}/feedback`,
  };
}

/** Adds query parameters, skipping empty ones. */
export function withQuery(url: string, params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(key, value);
  }
  const query = search.toString();
  if (!query) return url;
  return url + (url.includes('?') ? '&' : '?') + query;
}

/** Internal links carry `lang` only when it is not English, the default. */
export function langQuery(lang: Lang): Record<string, string> {
  return lang === 'en' ? {} : { lang };
}
