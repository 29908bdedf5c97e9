{{/* Names, labels and the pieces every ragloom pod shares. */}}

{{/* The modalities, in order; each has a worker pool under .Values.workers. */}}
{{- define "ragloom.modalities" -}}
text audio image video
{{- end }}

{{- define "ragloom.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart>, or the release name alone when it already contains the chart name. */}}
{{- define "ragloom.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ragloom.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ragloom.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ragloom.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ragloom.labels" -}}
helm.sh/chart: {{ include "ragloom.chart" . }}
{{ include "ragloom.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ragloom
{{- end }}

{{/* Names of the parts. */}}
{{- define "ragloom.apiName" -}}
{{- printf "%s-api" (include "ragloom.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Call with (dict "root" $ "modality" "audio"). */}}
{{- define "ragloom.workerName" -}}
{{- printf "%s-worker-%s" (include "ragloom.fullname" .root) .modality | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ragloom.configMapName" -}}
{{- printf "%s-config" (include "ragloom.fullname" .) }}
{{- end }}

{{- define "ragloom.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ragloom.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the containers read: the operator's, or the one this chart renders. */}}
{{- define "ragloom.secretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else }}
{{- printf "%s-secrets" (include "ragloom.fullname" .) }}
{{- end }}
{{- end }}

{{- define "ragloom.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
How a worker pool is scaled: "keda", "hpa" or "" (fixed replicas).
Call with (dict "root" $ "pool" $pool).
*/}}
{{- define "ragloom.workerScaler" -}}
{{- if and .root.Values.keda.enabled .pool.keda.enabled }}keda
{{- else if .root.Values.autoscaling.workers.enabled }}hpa
{{- end }}
{{- end }}

{{/* The data of ragloom's Secret (base64), shared by the Secret and the migration hook's copy. */}}
{{- define "ragloom.secretData" -}}
{{- with .Values.secrets -}}
RAGLOOM_DATABASE_URL: {{ .databaseUrl | b64enc | quote }}
RAGLOOM_QDRANT_URL: {{ .qdrantUrl | b64enc | quote }}
RAGLOOM_REDIS_URL: {{ .redisUrl | b64enc | quote }}
RAGLOOM_AUDIT_SIGNING_KEY: {{ .auditSigningKey | b64enc | quote }}
RAGLOOM_ADMIN_USER: {{ .adminUser | b64enc | quote }}
RAGLOOM_ADMIN_PASSWORD: {{ .adminPassword | b64enc | quote }}
{{- with .migrationDatabaseUrl }}
RAGLOOM_MIGRATION_DATABASE_URL: {{ . | b64enc | quote }}
{{- end }}
{{- range $key, $value := .extra }}
{{ $key }}: {{ $value | toString | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* ragloom.yaml, shared by the ConfigMap and the migration hook's copy. */}}
{{- define "ragloom.configData" -}}
ragloom.yaml: |
  {{- toYaml .Values.config | nindent 2 }}
{{- end }}

{{/* Pod annotations that roll the pods when the configuration or the Secret changes. */}}
{{- define "ragloom.checksums" -}}
checksum/config: {{ include "ragloom.configData" . | sha256sum }}
{{- if not .Values.existingSecret }}
checksum/secrets: {{ include "ragloom.secretData" . | sha256sum }}
{{- end }}
{{- end }}

{{/* Pod-level security: non-root, the runtime's default seccomp profile. Not configurable. */}}
{{- define "ragloom.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container-level security: read-only root filesystem, no privilege escalation, no capabilities. */}}
{{- define "ragloom.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The environment of every ragloom container, beside envFrom the Secret. */}}
{{- define "ragloom.env" -}}
- name: RAGLOOM_CONFIG
  value: /etc/ragloom/ragloom.yaml
- name: RAGLOOM_HOME
  value: {{ .Values.ragloomHome | quote }}
- name: HOME                   # caches of the libraries ragloom uses land in writable space
  value: /tmp
- name: PYTHONUNBUFFERED
  value: "1"
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Call with the Secret's name. */}}
{{- define "ragloom.envFrom" -}}
- secretRef:
    name: {{ . }}
{{- end }}

{{- define "ragloom.volumeMounts" -}}
- name: config
  mountPath: /etc/ragloom
  readOnly: true
- name: tmp
  mountPath: /tmp
- name: home
  mountPath: {{ .Values.ragloomHome }}
{{- end }}

{{/* Call with the ConfigMap's name. */}}
{{- define "ragloom.volumes" -}}
- name: config
  configMap:
    name: {{ . }}
- name: tmp
  emptyDir: {}
- name: home
  emptyDir: {}
{{- end }}

{{/* What every pod spec carries: service account, security, pull secrets. */}}
{{- define "ragloom.podCommon" -}}
serviceAccountName: {{ include "ragloom.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
securityContext:
  {{- include "ragloom.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Scheduling of one part. Call with the part's values (api or workers.<m>). */}}
{{- define "ragloom.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The gateway's upstream: the API Service. Answers stream as Server-Sent Events: flush at once. */}}
{{- define "ragloom.gatewayService" -}}
- name: {{ include "ragloom.apiName" . }}
  port: {{ .Values.api.service.port }}
  responseForwarding:
    flushInterval: 10ms
{{- end }}
