<#--
  kcd-audit mail notice, plain-text part. Model: subject, scope, job, runId, startedAt, finishedAt,
  directoryUrl, previousRunId, previousRun (what that run is: the last scheduled audit that finished and queued its
  notices, or before any the last other audit), summary (decision, noGo, fixedByChange, change (a change is proposed), scope (the cluster of
  a cluster owners' notice, else empty), status, headline, high, medium, low, info, waived, decisions (the cluster's in a
  cluster owners' notice, the run's else; the headline is always the run's), clusters: name, decision (GO or NO-GO), go, goAfter, failing, waivedFailing, reasons, status,
  pairsOk, pairs (every directed path), nodePairsOk, nodePairs, fileServerPathsOk, fileServerPaths (apart: live migration, and from a node to a file server), pairsText ("2/6 node pairs OK, 2/6 file-server paths OK", "5/6 node pairs OK" where no path goes to a file server, or "pairs not checked" for a cluster not audited), nodePairsCell ("2/6" or "—"), fileServerPathsCell ("2/6", or "—" where none), pairsCell (every directed path, "4/12" or "—"), compliance, high…info: the report view's numbers; clustersWorstFirst: the same NO-GO first, worst first; unclustered: label ("Not tied to a cluster (operators, hosts no longer in a cluster)", the kinds it holds), status, high…info of the open
  findings outside every cluster, only in the notice to mail.to and only when there are such findings), comparedNote (in the notice to mail.to, why the reports count other new/resolved figures; else empty), added/resolved/waivedSince/open (lists of id, severity, rule, cluster, host, peer,
  message, remediation; waivedSince also waiverExpires, waiverJustification: open in the compared run, waived now, so
  not resolved), configurationChanges (the sentences of findings.json history.clustersAdded and clustersRemoved, of
  the cluster in a cluster owners' notice, as the console and the reports say them), unwaived (the same: waived in the compared run, open now, so not new), changes (the same for the open CHANGED_SINCE_LAST_RUN findings: not compared, but open
  findings, so new + still open + changes = the open findings the subject counts), earlier (the same, the message ending with the run that
  found it and when it finished, for the CHANGED_SINCE_LAST_RUN findings of the audits between run previousRunId and this one: told here,
  not open findings of this run), pdfNote, reportDir, changeTimesNote (said once when the directory keeps no change times
  for drift, of the cluster's directories in a cluster owners' notice, else empty), inputsNotUsed (file, kind, reason of the patch, event and host-settings files the run could not
  use, the first five as the runbooks name them) and inputsNotUsedMore (how many more), aesNotChecked (the sentence
  that AES keys were not checked, as preflight says it, of the cluster's directories in a cluster owners' notice, else
  empty), migrationAuthenticationNotChecked (the sentence that the nodes' migration authentication was not checked,
  as the console says it, of the cluster in a cluster owners' notice, else empty), operatorsNotChecked (the sentence
  that operators were not checked, policy.operators being empty, as the console says it; else empty), endingSoon (the headline's "Waiver ending soon: …" sentence for the waivers in scope that entered that
  window since the run compared with, the change an on-change job mails for; else empty; when it is the headline's
  whole sentence, summary.headline leaves that sentence out, so the mail says it once). See docs/scheduling.md.
  At scale (600 hosts: 4,032 failing directions in a cluster, hundreds of findings) the body names at most
  namedDirections directions per cluster and lists at most listedFindings findings per list; the rest are counted,
  and the headings keep the full counts (the lists themselves are complete: ?size counts them).
-->
<#assign namedDirections = 20>
<#assign listedFindings = 25>
<#-- more clusters than namedClusters: the first of them NO-GO first, worst first (page 1's order), the rest counted -->
<#assign namedClusters = 20>
<#assign capped = summary.clusters?size gt namedClusters>
<#assign shown = capped?then(summary.clustersWorstFirst[0..*namedClusters], summary.clusters)>
<#assign restNoGo = summary.noGo - shown?filter(c -> !c.go)?size>
<#assign rest = summary.clusters?size - shown?size>
<#macro more rows>
<#if rows?size gt listedFindings>
- … and ${rows?size - listedFindings} more, not listed here: findings.json and the reports list every one.
</#if>
</#macro>
<#-- the decision first: a phone's inbox shows the subject and the body's first lines, so they do not repeat it -->
DECISION: ${summary.decision}
<#if endingSoon?has_content>
${endingSoon}
</#if>
<#list shown as c>
- ${c.name}: ${c.decision}, ${c.pairsText}<#if c.failing?has_content>; failing: ${c.failing[0..*namedDirections]?join(", ")}<#if c.failing?size gt namedDirections>, … and ${c.failing?size - namedDirections} more (every one on the workbook's Matrix sheet and in findings.json)</#if></#if><#if c.waivedFailing?has_content>; waived, still failing: ${c.waivedFailing[0..*namedDirections]?join("; ")}<#if c.waivedFailing?size gt namedDirections>; … and ${c.waivedFailing?size - namedDirections} more</#if></#if><#if !c.go && summary.change> (after the proposed change: <#if !c.audited>not known, not audited<#elseif c.goAfter>GO expected<#else>still NO-GO</#if>)</#if>
<#list c.reasons as r>
    ${r}
</#list>
</#list>
<#if capped>
- … and ${rest} more clusters: ${restNoGo} NO-GO, ${rest - restNoGo} GO (every one in findings.json clusters[] and on the workbook's Clusters sheet)
</#if>

Audit ${runId} (job ${job}) of ${directoryUrl}, finished ${finishedAt}.
<#if previousRunId?has_content>New and resolved are counted against run ${previousRunId}, ${previousRun}.<#else>No earlier audit to compare with: every finding counts as new.</#if>

STATUS<#if summary.scope?has_content> OF ${summary.scope}</#if>: ${summary.status}. ${summary.headline}
Open findings<#if summary.scope?has_content> in ${summary.scope}</#if>: ${summary.high} high, ${summary.medium} medium, ${summary.low} low, ${summary.info} info<#if summary.waived gt 0>; ${summary.waived} waived, not counted</#if>; ${summary.decisions} need<#if summary.decisions == 1>s</#if> a decision.
<#list shown as c>
- ${c.name}: ${c.status}, ${c.pairsText}, ${c.compliance} of entries present (${c.high} high, ${c.medium} medium, ${c.low} low, ${c.info} info)
</#list>
<#if capped>
- … and ${rest} more clusters (every one in findings.json clusters[] and on the workbook's Clusters sheet)
</#if>
<#if summary.unclustered??>
- ${summary.unclustered.label}: ${summary.unclustered.status} (${summary.unclustered.high} high, ${summary.unclustered.medium} medium, ${summary.unclustered.low} low, ${summary.unclustered.info} info)
</#if>
<#if aesNotChecked?has_content>

${aesNotChecked}
</#if>
<#if migrationAuthenticationNotChecked?has_content>

${migrationAuthenticationNotChecked}
</#if>
<#if operatorsNotChecked?has_content>

${operatorsNotChecked}
</#if>
<#if inputsNotUsed?has_content>

Inputs not used (the verdict went on without them; the Imports sheet of audit.xlsx and findings.json list every file):
<#list inputsNotUsed as i>
- ${i.file} (${i.kind}): ${i.reason}
</#list>
<#if inputsNotUsedMore gt 0>
- … and ${inputsNotUsedMore} more
</#if>
</#if>

<#if comparedNote?has_content>
${comparedNote}

</#if>
NEW (${added?size})
<#list added[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
  What to do: ${f.remediation}
<#else>
- none
</#list>
<@more rows=added/>
<#if unwaived?? && unwaived?has_content>

NO LONGER WAIVED, OPEN AGAIN (${unwaived?size})
<#list unwaived[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
  Waived in the previous audit; its waiver has expired or was taken out of the baseline.
  What to do: ${f.remediation}
</#list>
<@more rows=unwaived/>
</#if>

RESOLVED (${resolved?size})
<#list resolved[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
<#else>
- none
</#list>
<@more rows=resolved/>
<#if configurationChanges?has_content>

CLUSTERS ADDED TO OR TAKEN OUT OF THE CONFIGURATION (${configurationChanges?size})
<#list configurationChanges as c>
- ${c}
</#list>
</#if>
<#if waivedSince?? && waivedSince?has_content>

WAIVED SINCE THE PREVIOUS AUDIT, STILL FAILING (${waivedSince?size})
<#list waivedSince[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
  Waived<#if f.waiverExpires?has_content> until ${f.waiverExpires}</#if>: ${f.waiverJustification}
</#list>
<@more rows=waivedSince/>
</#if>

STILL OPEN (${open?size})
<#list open[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
<#else>
- none
</#list>
<@more rows=open/>
<#if changes?has_content>

CHANGED IN THE DIRECTORY SINCE THE PREVIOUS AUDIT (${changes?size})
<#list changes[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
</#list>
<@more rows=changes/>
</#if>
<#if earlier?has_content>

CHANGED IN THE DIRECTORY BEFORE, SEEN BY EARLIER AUDITS SINCE RUN ${previousRunId} (${earlier?size})
Found by the audits between that run and this one (a manual run, a preflight, a job that mails nobody), none of
which told of them; they are not open findings of this run.
<#list earlier[0..*listedFindings] as f>
- [${f.severity}] ${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}<#if f.host?has_content> / ${f.host}</#if>: ${f.message}
</#list>
<@more rows=earlier/>
</#if>

<#if changeTimesNote?has_content>Drift: ${changeTimesNote}
</#if><#if pdfNote?has_content>${pdfNote}
</#if><#if reportDir?has_content>All reports of this run: ${reportDir}
</#if>
-- 
kcd-audit reads Active Directory only; it changed nothing.
