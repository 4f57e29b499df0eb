<#--
  kcd-audit mail notice when a scheduled audit could not run, or was stopped before it finished, plain-text part.
  Model: subject, job, fireTime, runId (the run the fire stored, FAILED or INTERRUPTED; empty when none was), reason,
  directoryUrl, config, repeatHours, stopped (the daemon's stop cut the audit off: it ran, and runs again when a daemon
  of this store starts). See docs/scheduling.md.
  The body does not repeat the subject: a phone's inbox shows the subject and the body's first lines.
-->
<#if stopped>
The scheduled audit "${job}" (due ${fireTime}) against ${directoryUrl} was stopped before it finished:
<#else>
The scheduled audit "${job}" (due ${fireTime}) against ${directoryUrl} could not run:
</#if>

<#list reason?split("\n") as line>
  ${line}
</#list>
<#if runId?has_content>

Run ${runId} is stored in the history; kcd-audit history show ${runId} prints it with its fire.
</#if>

<#if stopped>
The daemon was stopped while the audit ran, so it produced no report and no findings; the reason
above says what, if anything, it left on disk. It runs again when the daemon is started (at once
if another daemon of the same history store is running); until then no scheduled audit runs.
kcd-audit history and the daemon's log show the details. Configuration: ${config}
<#else>
The run did not complete, so it produced no report and no findings; the reason above says
what, if anything, it left on disk. The next scheduled run will try again; kcd-audit history
and the daemon's log show the details. While this job keeps failing, this notice is repeated at
most every ${repeatHours} hours. Configuration: ${config}
</#if>

-- 
kcd-audit reads Active Directory only; it changed nothing.
