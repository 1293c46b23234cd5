import { css } from 'lit';

export const adminTableStyles = css`
  caption {
    text-align: start;
    font-weight: 600;
    padding: 0.25rem 0 0.5rem;
  }
  .status {
    display: inline-block;
    padding: 0.1rem 0.5rem;
    border-radius: 1rem;
    font-size: 0.875em;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .status-ready {
    color: var(--s3v-success);
  }
  .status-error {
    color: var(--s3v-danger);
  }
  .status-pending,
  .status-replaced,
  .status-deleted {
    color: var(--s3v-muted);
  }
  .file {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
  }
  /* The poster the uploader drew (320 px wide): a fixed 16:9 thumbnail, cropped, never reflowing the row. */
  .poster {
    flex: none;
    width: 64px;
    height: 36px;
    object-fit: cover;
    border-radius: 2px;
    background: var(--s3v-border);
  }
  .when {
    display: block;
    font-size: 0.875em;
  }
  .pages {
    display: flex;
    align-items: center;
    gap: 1rem;
    margin-top: 1rem;
  }
  .notice {
    padding: 0.5rem 1rem;
    border-left: 0.35rem solid var(--s3v-success);
  }
  .notice.error {
    border-left-color: var(--s3v-danger);
  }
  dialog {
    max-width: min(32rem, 90vw);
    border: 1px solid var(--s3v-border);
    border-radius: var(--s3v-radius);
    padding: 1.25rem 1.5rem;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  dialog h3 {
    margin-top: 0;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1rem;
  }
`;
