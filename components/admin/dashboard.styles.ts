import { css } from 'lit';

export const dashboardStyles = css`
  .manage {
    margin-inline-start: auto;
    align-self: center;
  }
  .cards {
    list-style: none;
    padding: 0;
    margin: 0;
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: 1rem;
  }
  .card {
    border: 1px solid var(--s3v-border);
    border-radius: var(--s3v-radius);
    padding: 1rem;
    background: var(--s3v-surface);
  }
  .card p {
    margin: 0;
  }
  .card-title {
    font-weight: 600;
  }
  .card-value {
    font-size: 1.75rem;
    font-weight: 700;
    margin: 0.25rem 0 !important;
  }
  .chart th {
    width: 14rem;
    font-weight: normal;
  }
  .chart .barline {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
  .chart .bar {
    display: inline-block;
    height: 1rem;
    border-radius: 0.2rem;
    background: var(--s3v-danger);
  }
  .count {
    font-variant-numeric: tabular-nums;
  }
  td .name,
  td .key {
    display: block;
  }
`;
