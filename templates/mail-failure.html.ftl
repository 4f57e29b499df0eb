<#--
  kcd-audit mail notice when a scheduled audit could not run, or was stopped before it finished (stopped), HTML part
  (values auto-escaped). runId: the run the fire stored, empty when none was.
-->
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font:15px/1.5 -apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:${palette.TEXT};max-width:60rem">
<p style="color:${palette.TEXT_BAD}">The scheduled audit <b>${job}</b> (due ${fireTime}) against ${directoryUrl} <#if stopped>was stopped before it finished<#else>could not run</#if>:</p>
<pre style="background:${palette.CODE};border:1px solid ${palette.LINE};border-radius:6px;padding:.5rem .7rem;white-space:pre-wrap"><#list reason?split("\n") as line>${line}<#sep>
</#list></pre>
<#if runId?has_content>
<p>Run <code>${runId}</code> is stored in the history; <code>kcd-audit history show ${runId}</code> prints it with its
fire.</p>
</#if>
<#if stopped>
<p>The daemon was stopped while the audit ran, so it produced no report and no findings; the reason above says what,
if anything, it left on disk. It runs again when the daemon is started (at once if another daemon of the same history
store is running); until then no scheduled audit runs. <code>kcd-audit history</code> and the daemon's log show the
details. Configuration: ${config}</p>
<#else>
<p>The run did not complete, so it produced no report and no findings; the reason above says what, if
anything, it left on disk. The next scheduled run will try again;
<code>kcd-audit history</code> and the daemon's log show the details. While this job keeps failing, this notice is
repeated at most every ${repeatHours} hours. Configuration: ${config}</p>
</#if>
<p style="color:${palette.MUTED};font-size:13px">kcd-audit reads Active Directory only; it changed nothing.</p>
</body></html>
