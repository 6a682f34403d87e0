// Client-safe visit vocabularies (a *.server module is empty in the browser bundle).

/** A partner works on a request it accepted until the request is closed or cancelled. */
export const WORKING_STATUSES = ['accepted', 'in_progress', 'completed'] as const;

export const REVIEW_PAGE_SIZE = 50;
