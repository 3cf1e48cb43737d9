import { Alert, Button } from "antd";
import type { ReactNode } from "react";
import { useT } from "../../i18n";
import { describeError } from "../../lib/errors";

type PagedQuery = {
  isError: boolean;
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
};

/** A keyset-paged list: its error above, the table, "load more" below while there is more. */
export function PagedList({ query, children }: { query: PagedQuery; children: ReactNode }) {
  const t = useT();
  return (
    <>
      {query.isError && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={describeError(query.error, t).text}
        />
      )}
      {children}
      {query.hasNextPage && (
        <div style={{ textAlign: "center", marginTop: 16 }}>
          <Button
            data-testid="load-more"
            loading={query.isFetchingNextPage}
            onClick={() => query.fetchNextPage()}
          >
            {t("ops.load_more")}
          </Button>
        </div>
      )}
    </>
  );
}
