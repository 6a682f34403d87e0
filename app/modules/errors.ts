/** A business rule said no. `code` is an i18n key shown to the user; `field` names the form field. */
export class DomainError extends Error {
  constructor(
    public readonly code: string,
    public readonly field?: string,
  ) {
    super(code);
    this.name = 'DomainError';
  }
}
