{{/* The chart's name, shortened to what a label value allows. */}}
{{- define "xso.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the prefix of every object's name. */}}
{{- define "xso.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "xso.selectorLabels" -}}
app.kubernetes.io/name: {{ include "xso.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "xso.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "xso.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: xen-suspend-orchestrator
{{- end -}}

{{- define "xso.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "xso.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "xso.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the tokens file: the user's own, or the chart's when entries are given. */}}
{{- define "xso.tokensSecret" -}}
{{- if .Values.apiTokens.existingSecret -}}
{{- .Values.apiTokens.existingSecret -}}
{{- else if .Values.apiTokens.entries -}}
{{- printf "%s-api-tokens" (include "xso.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "xso.tokensKey" -}}
{{- if .Values.apiTokens.existingSecret -}}
{{- .Values.apiTokens.existingSecretKey -}}
{{- else -}}
api-tokens
{{- end -}}
{{- end -}}

{{/* The Secret with the database's credentials: the user's own, or the chart's. */}}
{{- define "xso.databaseSecret" -}}
{{- default (printf "%s-database" (include "xso.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{/* Where the pod keeps its files: the data volume, the tokens file, the settings. */}}
{{- define "xso.dataDir" -}}/var/lib/xso{{- end -}}
{{- define "xso.tokensDir" -}}/etc/xso/tokens{{- end -}}
{{- define "xso.configDir" -}}/etc/xso/config{{- end -}}

{{/*
The service's embedded H2 database (the URL of its application.yml, same options), with the file in
the data volume instead of the working directory's ./data.
*/}}
{{- define "xso.h2Url" -}}
jdbc:h2:file:{{ include "xso.dataDir" . }}/xso;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE;WRITE_DELAY=0;RETENTION_TIME=1000;QUERY_CACHE_SIZE=256
{{- end -}}

{{/* Values the schema cannot refuse on its own: combinations. */}}
{{- define "xso.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.database.external) -}}
{{- fail "replicaCount > 1 needs database.external=true: H2 is a file database of one pod" -}}
{{- end -}}
{{- if and .Values.database.external (not .Values.database.url) -}}
{{- fail "database.external=true needs database.url (jdbc:postgresql://HOST:PORT/DATABASE)" -}}
{{- end -}}
{{- if and .Values.database.external (not .Values.database.existingSecret) (not .Values.database.password) -}}
{{- fail "database.external=true needs database.password or database.existingSecret" -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.serviceMonitor.tokenSecret.name) -}}
{{- fail "metrics.serviceMonitor.enabled needs metrics.serviceMonitor.tokenSecret.name: /actuator/prometheus needs a viewer token" -}}
{{- end -}}
{{- end -}}
