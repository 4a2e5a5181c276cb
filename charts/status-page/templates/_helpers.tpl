{{- define "status-page.labels" -}}
app.kubernetes.io/name: status-page
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
