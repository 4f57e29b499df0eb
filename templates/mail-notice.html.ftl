<#--
  kcd-audit mail notice, HTML part. Same model as mail-notice.txt.ftl; values are HTML-escaped
  automatically. Inline CSS only: mail clients strip <style> blocks and fetch nothing.
  At scale the body names at most namedDirections failing directions per cluster and lists at most listedFindings
  findings per table; the rest are counted, the headings keep the full counts.
-->
<#assign namedDirections = 20>
<#assign listedFindings = 25>
<#-- more clusters than namedClusters: the first of them NO-GO first, worst first (page 1's order), the rest counted -->
<#assign namedClusters = 20>
<#assign capped = summary.clusters?size gt namedClusters>
<#assign shown = capped?then(summary.clustersWorstFirst[0..*namedClusters], summary.clusters)>
<#assign restNoGo = summary.noGo - shown?filter(c -> !c.go)?size>
<#assign rest = summary.clusters?size - shown?size>
<#-- a cluster's paths from a node to a file server apart from its node pairs, in a column only where one listed has some -->
<#assign servers = shown?filter(c -> c.fileServerPaths gt 0)?has_content>
<#macro table rows showFix>
<#if rows?has_content>
<table style="border-collapse:collapse;width:100%;font-size:14px">
<tr style="text-align:left;border-bottom:2px solid ${palette.LINE}"><th style="padding:4px">Severity</th><th style="padding:4px">Cluster</th><th style="padding:4px">Host</th><th style="padding:4px">Finding</th></tr>
<#list rows[0..*listedFindings] as f>
<tr style="border-bottom:1px solid ${palette.LINE};vertical-align:top">
<td style="padding:4px;font-weight:600;color:<#if f.severity == "HIGH">${palette.TEXT_BAD}<#elseif f.severity == "MEDIUM">${palette.TEXT_WARN}<#else>${palette.MUTED}</#if>">${f.severity}</td>
<td style="padding:4px">${f.cluster?has_content?then(f.cluster, "(not tied to a cluster)")}</td><td style="padding:4px">${f.host}<#if f.peer?has_content> &rarr; ${f.peer}</#if></td>
<td style="padding:4px">${f.message}<#if showFix && f.remediation?has_content><br><span style="color:${palette.MUTED}">What to do: ${f.remediation}</span></#if></td>
</tr>
</#list>
</table>
<#if rows?size gt listedFindings>
<p style="color:${palette.MUTED}">… and ${rows?size - listedFindings} more, not listed here: findings.json and the reports list every one.</p>
</#if>
<#else>
<p style="color:${palette.MUTED}">None.</p>
</#if>
</#macro>
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font:15px/1.5 -apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:${palette.TEXT};max-width:60rem">
<p style="font-size:1.1rem;font-weight:600;padding:6px 10px;background:<#if summary.noGo gt 0>${palette.RED}<#else>${palette.GREEN}</#if>">${summary.decision}</p>
<#if endingSoon?has_content>
<p style="padding:6px 10px;background:${palette.AMBER}">${endingSoon}</p>
</#if>
<#if summary.clusters?has_content>
<#-- the directions' columns only where a cluster listed has some; "none" in a cell, as page 1 of the PDF says it -->
<#assign directions = shown?filter(c -> c.failing?has_content || c.waivedFailing?has_content)?has_content>
<table style="border-collapse:collapse;font-size:14px;margin-bottom:8px">
<tr style="text-align:left;border-bottom:2px solid ${palette.LINE}"><th style="padding:4px">Cluster</th><th style="padding:4px">Patch window</th><th style="padding:4px">Node pairs OK</th><#if servers><th style="padding:4px">File-server paths OK</th></#if><#if directions><th style="padding:4px">Failing directions</th><th style="padding:4px">Waived, still failing</th></#if></tr>
<#list shown as c>
<tr style="border-bottom:1px solid ${palette.LINE};vertical-align:top"><td style="padding:4px">${c.name}</td><td style="padding:4px;font-weight:600;background:<#if c.go>${palette.GREEN}<#else>${palette.RED}</#if>">${c.decision}<#if !c.go && summary.change><br><span style="font-weight:400;font-size:12px">after the change: <#if !c.audited>not known (not audited)<#elseif c.goAfter>GO expected<#else>still NO-GO</#if></span></#if><#list c.reasons><ul style="margin:4px 0 0 0;padding-left:16px;font-weight:400;font-size:12px"><#items as r><li>${r}</li></#items></ul></#list></td><td style="padding:4px">${c.nodePairsCell}</td><#if servers><td style="padding:4px">${c.fileServerPathsCell}</td></#if><#if directions><td style="padding:4px"><#if !c.audited>—<#elseif !c.failing?has_content>none</#if>${c.failing[0..*namedDirections]?join(", ")}<#if c.failing?size gt namedDirections>, … and ${c.failing?size - namedDirections} more (every one on the workbook's Matrix sheet and in findings.json)</#if></td><td style="padding:4px"><#if !c.waivedFailing?has_content>none</#if>${c.waivedFailing[0..*namedDirections]?join("; ")}<#if c.waivedFailing?size gt namedDirections>; … and ${c.waivedFailing?size - namedDirections} more</#if></td></#if></tr>
</#list>
<#if capped>
<tr style="color:${palette.MUTED}"><td colspan="${(directions?then(5, 3) + servers?then(1, 0))?c}" style="padding:4px">… and ${rest} more clusters: ${restNoGo} NO-GO, ${rest - restNoGo} GO (every one in findings.json clusters[] and on the workbook's Clusters sheet)</td></tr>
</#if>
</table>
</#if>
<p style="color:${palette.MUTED}">Audit ${runId} (job ${job}) of ${directoryUrl}, finished ${finishedAt}.
<#if previousRunId?has_content>New and resolved are counted against run ${previousRunId}, ${previousRun}.<#else>No earlier audit to compare with: every finding counts as new.</#if></p>
<p><strong>Status<#if summary.scope?has_content> of ${summary.scope}</#if>: ${summary.status}.</strong> ${summary.headline}<br>
Open findings<#if summary.scope?has_content> in ${summary.scope}</#if>: ${summary.high} high, ${summary.medium} medium, ${summary.low} low, ${summary.info} info<#if summary.waived gt 0>; ${summary.waived} waived, not counted</#if>; ${summary.decisions} need<#if summary.decisions == 1>s</#if> a decision.</p>
<#if summary.clusters?has_content || summary.unclustered??>
<table style="border-collapse:collapse;font-size:14px">
<tr style="text-align:left;border-bottom:2px solid ${palette.LINE}"><th style="padding:4px">Cluster</th><th style="padding:4px">Status</th><th style="padding:4px">Node pairs OK</th><#if servers><th style="padding:4px">File-server paths OK</th></#if><th style="padding:4px">Entries present</th><th style="padding:4px">H / M / L / I</th></tr>
<#list shown as c>
<tr style="border-bottom:1px solid ${palette.LINE}"><td style="padding:4px">${c.name}</td><td style="padding:4px">${c.status}</td><td style="padding:4px">${c.nodePairsCell}</td><#if servers><td style="padding:4px">${c.fileServerPathsCell}</td></#if><td style="padding:4px">${c.compliance}</td><td style="padding:4px">${c.high} / ${c.medium} / ${c.low} / ${c.info}</td></tr>
</#list>
<#if capped>
<tr style="color:${palette.MUTED}"><td colspan="${servers?then(6, 5)}" style="padding:4px">… and ${rest} more clusters (every one in findings.json clusters[] and on the workbook's Clusters sheet)</td></tr>
</#if>
<#if summary.unclustered??>
<tr style="border-bottom:1px solid ${palette.LINE};color:${palette.MUTED}"><td style="padding:4px">${summary.unclustered.label}</td><td style="padding:4px">${summary.unclustered.status}</td><td style="padding:4px"></td><#if servers><td style="padding:4px"></td></#if><td style="padding:4px"></td><td style="padding:4px">${summary.unclustered.high} / ${summary.unclustered.medium} / ${summary.unclustered.low} / ${summary.unclustered.info}</td></tr>
</#if>
</table>
</#if>
<#if aesNotChecked?has_content>
<p>${aesNotChecked}</p>
</#if>
<#if migrationAuthenticationNotChecked?has_content>
<p>${migrationAuthenticationNotChecked}</p>
</#if>
<#if operatorsNotChecked?has_content>
<p>${operatorsNotChecked}</p>
</#if>
<#if inputsNotUsed?has_content>
<p>Inputs not used (the verdict went on without them; the Imports sheet of audit.xlsx and findings.json list every file):</p>
<ul style="font-size:14px">
<#list inputsNotUsed as i>
<li>${i.file} (${i.kind}): ${i.reason}</li>
</#list>
<#if inputsNotUsedMore gt 0>
<li>… and ${inputsNotUsedMore} more</li>
</#if>
</ul>
</#if>
<#if comparedNote?has_content><p style="color:${palette.MUTED}">${comparedNote}</p></#if>
<h2 style="font-size:1.1rem">New (${added?size})</h2>
<@table rows=added showFix=true/>
<#if unwaived?? && unwaived?has_content>
<h2 style="font-size:1.1rem">No longer waived, open again (${unwaived?size})</h2>
<p style="color:${palette.MUTED}">Waived in the previous audit; the waiver has expired or was taken out of the baseline.</p>
<@table rows=unwaived showFix=true/>
</#if>
<h2 style="font-size:1.1rem">Resolved (${resolved?size})</h2>
<@table rows=resolved showFix=false/>
<#if configurationChanges?has_content>
<h2 style="font-size:1.1rem">Clusters added to or taken out of the configuration (${configurationChanges?size})</h2>
<ul style="font-size:14px">
<#list configurationChanges as c>
<li>${c}</li>
</#list>
</ul>
</#if>
<#if waivedSince?? && waivedSince?has_content>
<h2 style="font-size:1.1rem">Waived since the previous audit, still failing (${waivedSince?size})</h2>
<@table rows=waivedSince showFix=false/>
<p style="color:${palette.MUTED}"><#list waivedSince[0..*listedFindings] as f>${f.host}<#if f.peer?has_content> &rarr; ${f.peer}</#if>: waived<#if f.waiverExpires?has_content> until ${f.waiverExpires}</#if> (${f.waiverJustification})<#sep>; </#sep></#list></p>
</#if>
<h2 style="font-size:1.1rem">Still open (${open?size})</h2>
<@table rows=open showFix=false/>
<#if changes?has_content>
<h2 style="font-size:1.1rem">Changed in the directory since the previous audit (${changes?size})</h2>
<@table rows=changes showFix=false/>
</#if>
<#if earlier?has_content>
<h2 style="font-size:1.1rem">Changed in the directory before, seen by earlier audits since run ${previousRunId} (${earlier?size})</h2>
<p style="color:${palette.MUTED}">Found by the audits between that run and this one (a manual run, a preflight, a job that mails nobody), none of which told of them; they are not open findings of this run.</p>
<@table rows=earlier showFix=false/>
</#if>
<#if changeTimesNote?has_content><p>Drift: ${changeTimesNote}</p></#if>
<#if pdfNote?has_content><p>${pdfNote}</p></#if>
<#if reportDir?has_content><p style="color:${palette.MUTED}">All reports of this run: ${reportDir}</p></#if>
<p style="color:${palette.MUTED};font-size:13px">kcd-audit reads Active Directory only; it changed nothing.</p>
</body></html>
