import { css } from 'lit';

/** Tables, toolbars and notices shared by the dashboard and the video table. */
export const adminStyles = css`
  h3 {
    font-size: 1.15rem;
    margin: 1.5rem 0 0.5rem;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.75rem 1rem;
    margin-bottom: 1rem;
  }
  label {
    display: inline-flex;
    flex-direction: column;
    gap: 0.25rem;
    font-weight: 600;
  }
  select,
  input {
    font-weight: normal;
    padding: 0.375rem 0.5rem;
    border: 1px solid var(--s3v-border);
    border-radius: 0.375rem;
    background: var(--s3v-surface);
    color: inherit;
  }
  a {
    color: var(--s3v-primary);
  }
  .scroll {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    vertical-align: top;
    padding: 0.5rem 0.5rem;
    border-bottom: 1px solid var(--s3v-border);
  }
  thead th {
    border-bottom-width: 2px;
  }
  .key {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85em;
    overflow-wrap: anywhere;
    min-width: 12rem;
  }
  .nowrap {
    white-space: nowrap;
  }
  .problem {
    border-left: 0.35rem solid var(--s3v-danger);
    padding: 0.5rem 1rem;
    margin: 0.5rem 0 1rem;
  }
  .problem p {
    margin: 0 0 0.5rem;
  }
  .stale {
    opacity: 0.6;
  }
`;
