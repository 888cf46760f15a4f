/** Serper's `POST /search` (provider-apis.md §5), as recorded. */
export interface SerperSearchRequest {
  q: string;
  gl?: string;
  hl?: string;
  num?: number;
  page?: number;
}

export interface SerperOrganicResult {
  title: string;
  link: string;
  snippet?: string;
  date?: string;
  position: number;
  sitelinks?: { title: string; link: string }[];
}

export interface SerperSearchResponse {
  searchParameters: {
    q: string;
    type: string;
    engine: string;
    gl?: string;
    hl?: string;
    num?: number;
    page?: number;
  };
  knowledgeGraph?: {
    title?: string;
    type?: string;
    website?: string;
    description?: string;
    attributes?: Record<string, string>;
  };
  organic: SerperOrganicResult[];
  /** Credits this call cost; in 2026 answers, absent from older ones. */
  credits?: number;
}
