<#--
  kcd-audit mail notice when a scheduled audit could not run, plain-text part.
  Model: subject, job, fireTime, reason, directoryUrl, config. See docs/scheduling.md.
  The body does not repeat the subject: a phone's inbox shows the subject and the body's first lines.
-->
The scheduled audit "${job}" (due ${fireTime}) against ${directoryUrl} could not run:

<#list reason?split("\n") as line>
  ${line}
</#list>

The run did not complete, so it produced no report and no findings; the reason above says
what, if anything, it left on disk. The next scheduled run will try again; kcd-audit history
and the daemon's log show the details. While this job keeps failing, this notice is repeated at
most every ${repeatHours} hours. Configuration: ${config}

-- 
kcd-audit reads Active Directory only; it changed nothing.
