// TanStack Query hooks of the connector settings section. No polling: the spec refreshes
// after a rotation, the preview when what it previews changes.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { connectorSettingsApi } from "../../api";
import { keys } from "../../lib/queries";
import type { PreviewRequest } from "../../types";

export const connectorKeys = {
  spec: (id: string) => ["connector_settings", id] as const,
  preview: (id: string, request: PreviewRequest) => ["mapping_preview", id, request] as const,
};

export function useConnectorSettings(id: string) {
  return useQuery({
    queryKey: connectorKeys.spec(id),
    queryFn: () => connectorSettingsApi.connectorSettings(id),
  });
}

export function useMappingPreview(id: string, request: PreviewRequest, enabled: boolean) {
  return useQuery({
    queryKey: connectorKeys.preview(id, request),
    queryFn: () => connectorSettingsApi.previewFieldMapping(id, request),
    enabled,
    // Keep showing the last result while the next one is computed.
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

function useInvalidate(id: string) {
  const qc = useQueryClient();
  // The secret names shown in the systems list change too.
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: connectorKeys.spec(id) }),
      qc.invalidateQueries({ queryKey: keys.systemsAll }),
    ]);
}

export function useRotateWebhookSecret(id: string) {
  const invalidate = useInvalidate(id);
  return useMutation({
    mutationFn: () => connectorSettingsApi.rotateWebhookSecret(id),
    onSuccess: invalidate,
  });
}

export function useEndWebhookGrace(id: string) {
  const invalidate = useInvalidate(id);
  return useMutation({
    mutationFn: () => connectorSettingsApi.endWebhookSecretGrace(id),
    onSuccess: invalidate,
  });
}
