<#--
  kcd-audit remediation runbook, HTML. Self-contained: inline CSS, nothing fetched; prints on A4/Letter
  and reads on a phone. Values are HTML-escaped automatically; data model in docs/reports.md.
  A value shows a line break or other control character it holds as \u000A (what is read is what is
  stored); the procedure's own multi-line text (several commands) goes through <@pre text=…/>, which keeps
  its lines.
-->
<#-- the hosts no command can name, with the entries the audit asks of them: in the change step, or on their own when
     nothing else is changed -->
<#-- a name that reads like another's: its DN and account name tell it apart, a name typed in ADUC does not -->
<#macro lookAlike o><#if o.notAsStored?has_content> (${o.dn}<#if o.account?has_content>; account name ${o.account}, unique in the domain</#if>; its name holds ${o.notAsStored}, which reads like an ASCII letter or as nothing: do not search for it by a typed name)</#if></#macro>
<#macro notScripted heading>
<${heading}>Not scripted: check by hand</${heading}>
<p class="warn">These objects have names that are not valid host names, so no command was generated for them. Look at them in ADUC before changing anything; what the audit asks of each is listed with it.</p>
<ul><#list refused as r><li><span class="spn">${r.name}</span><@lookAlike r/>: ${r.reason}<#if r.add?has_content><br>Add on its Delegation tab (<strong>Add…</strong> → <strong>Users or Computers…</strong> → the host → the service):
    <ul class="check"><#list r.add as spn><li class="spn">${spn}</li></#list></ul></#if><#list r.addByCode as p><#if !r.add?has_content && p?is_first><br></#if>Add the entries for <strong>${p.name}</strong><@lookAlike p/> in ADSI Edit, not through <strong>Add…</strong> → <strong>Users or Computers…</strong>, where a typed name can find another computer: this object → Properties → <strong>msDS-AllowedToDelegateTo</strong> → Edit → each value → <strong>Add</strong>:
    <ul class="check"><#list p.spns as spn><li class="spn">${spn}</li></#list></ul></#list><#if r.remove?has_content><#if !r.add?has_content && !r.addByCode?has_content><br></#if>Remove from its Delegation tab:
    <ul class="check"><#list r.remove as spn><li class="spn">${spn}</li></#list></ul></#if></li></#list></ul>
<#if !hasChanges>
<p>Once changed, push the change from the domain controller it was written to, then, in an elevated prompt on each host of its pairs, purge the tickets of the SYSTEM logon session (vmms uses them; plain <code>klist purge</code> does not clear them):</p>
<@pre text=(run.replicateCmd?has_content)?then(run.replicateCmd + "\n", "") + run.purgeCmd/>
</#if>
</#macro>
<#macro pre text><pre><#list text?split("\n") as line>${line}<#sep>
</#list></pre><#t>
</#macro>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KCD remediation runbook – ${run.domain}</title>
<style>
  :root { --ok:${palette.TEXT_OK}; --warn:${palette.TEXT_WARN}; --bad:${palette.TEXT_BAD}; --line:${palette.LINE}; --muted:${palette.MUTED}; }
  * { box-sizing: border-box; }
  body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color:${palette.TEXT};
         margin: 0 auto; padding: 1rem; max-width: 60rem; overflow-wrap: break-word; overflow-wrap: anywhere; }
  h1 { font-size: 1.5rem; margin: .2rem 0 .5rem; }
  h2 { font-size: 1.2rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
  h3 { font-size: 1.05rem; margin: 1.4rem 0 .3rem; }
  .meta { color: var(--muted); font-size: .9rem; }
  .card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; margin: .8rem 0; break-inside: avoid; }
  pre { background:${palette.CODE}; border:1px solid var(--line); border-radius:6px; padding:.5rem .7rem; overflow-x:auto;
        white-space: pre-wrap; word-break: break-all; font: 13px/1.4 Consolas, "DejaVu Sans Mono", monospace; }
  code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: .92em; }
  ul.check { list-style: none; padding-left: .2rem; }
  ul.cols { columns: 9rem; column-gap: 1.5rem; }
  ul.cols li { break-inside: avoid; }
  nav.toc { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; margin: .8rem 0; font-size: .95rem; }
  nav.toc ol { margin: .2rem 0; padding-left: 1.4rem; }
  details.index summary { cursor: pointer; font-weight: 600; }
  details.index p { margin: .3rem 0; }
  a.top { font-size: .8rem; font-weight: normal; margin-left: .6rem; }
  ul.check li::before { content: "\2610\00a0"; font-size: 1.1em; }
  ol li { margin: .25rem 0; }
  .spn { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: .92em; word-break: break-all; }
  .sev { display:inline-block; min-width:4.5em; font-weight:600; }
  .HIGH { color: var(--bad); } .MEDIUM { color: var(--warn); } .LOW { color:${palette.TEXT_LOW}; } .INFO { color: var(--muted); }
  .warn { border-left: 4px solid var(--warn); background:${palette.NOTE}; padding:.4rem .7rem; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; }
  td { height: 2.2rem; }
  @media print {
    body { max-width: none; font-size: 10.5pt; padding: 0; }
    pre { white-space: pre-wrap; }
    h2, h3 { break-after: avoid; }
    a { color: inherit; text-decoration: none; }
    nav.toc, a.top { display: none; }
  }
</style>
</head>
<body>
<h1>Kerberos constrained delegation: remediation runbook for ${run.domain}</h1>
<p class="meta">Generated by kcd-audit from run ${run.shortId} (${run.finishedAt}) against ${run.directoryUrl}, base ${run.baseDn}.<br>
<strong>${summary.decision}.</strong> ${summary.headline}<br>
Compliance<#if hasChanges> before the change</#if>: ${summary.compliancePercent} of required delegation entries present; ${summary.pairsOk} of ${summary.pairs} directed pairs OK;
findings: ${summary.high} high, ${summary.medium} medium, ${summary.low} low, ${summary.info} info<#if summary.waived gt 0> (and ${summary.waived} waived, not counted)</#if>.<br>
Delegation policy: protocol transition “${policy.protocolTransition}” (ADUC: ${policy.aducChoice}).<#if aesNotChecked?has_content><br>
${aesNotChecked}</#if></p>
<#if context?has_content || inputsNotUsed?has_content>
<p><strong>History context</strong></p>
<ul>
<#list context as c>
<li>${c}</li>
</#list>
<#if inputsNotUsed?has_content>
<li>Inputs not used (the run went on without them; the Imports sheet of audit.xlsx and findings.json list every file):
<ul>
<#list inputsNotUsed as i>
<li>${i.file} (${i.kind}): ${i.reason}</li>
</#list>
<#if inputsNotUsedMore gt 0>
<li>… and ${inputsNotUsedMore} more</li>
</#if>
</ul>
</li>
</#if>
</ul>
</#if>

<#assign yesChanges = decisions?filter(d -> d.proposed?has_content)?has_content>
<#if !hasChanges>
<p class="card"><strong><#if decisions?has_content || refused?has_content>No scripted directory change.<#elseif summary.notAudited?has_content>No directory change is proposed for the clusters audited; not audited (directory not read): ${summary.notAudited}.<#else>No directory change is needed${summary.neededBefore}.</#if></strong><#if decisions?has_content> Review the findings under “${phase.decide.title}” below.</#if></p>
<#if refused?has_content>
<@notScripted heading="h2"/>
</#if>
<#else>
<nav class="toc" id="contents"><strong>Contents</strong>
<ol>
  <li><a href="#step-${phase.before.number}">${phase.before.title}</a><#if preChecks?has_content> <span class="meta">(migration authentication of ${preChecks?size} host<#if preChecks?size != 1>s</#if>)</span></#if></li>
  <li><a href="#step-${phase.change.number}">${phase.change.title}</a><#if scripted> <span class="meta">(${hosts?size} host<#if hosts?size != 1>s</#if><#if unregister?has_content>, ${unregister?size} duplicate SPN<#if unregister?size != 1>s</#if> on other objects</#if>)</span></#if></li>
<#if phase.hosts??>
  <li value="${phase.hosts.number}"><a href="#step-${phase.hosts.number}">${phase.hosts.title}</a> <span class="meta">(<#if hostSteps?has_content>${hostActions}<#if credSspFixes?has_content>; Kerberos where step ${phase.before.number} found CredSSP</#if><#else>Kerberos where step ${phase.before.number} found CredSSP</#if>)</span></li>
</#if>
  <li value="${phase.replicate.number}"><a href="#step-${phase.replicate.number}">${phase.replicate.title}</a></li>
  <li value="${phase.purge.number}"><a href="#step-${phase.purge.number}">${phase.purge.title}</a> <span class="meta">(${purgeHosts?size} host<#if purgeHosts?size != 1>s</#if>)</span></li>
  <li value="${phase.validate.number}"><a href="#step-${phase.validate.number}">${phase.validate.title}</a> <span class="meta">(${validate?size} test move<#if validate?size != 1>s</#if><#if storage?has_content>, ${storage?size} storage path<#if storage?size != 1>s</#if></#if>)</span></li>
<#if decisions?has_content>
  <li value="${phase.decide.number}"><a href="#step-${phase.decide.number}">${phase.decide.title}</a> <span class="meta">(${decisions?size}<#if decisions?size != summary.decisions> decision<#if decisions?size gt 1>s</#if>, ${summary.decisions} findings</#if>)</span></li>
</#if>
  <li value="${phase.confirm.number}"><a href="#step-${phase.confirm.number}">${phase.confirm.title}</a></li>
  <li value="${phase.rollback.number}"><a href="#step-${phase.rollback.number}">${phase.rollback.title}</a> <span class="meta">(only if needed)</span></li>
</ol>
<a href="#sign-off">Sign-off</a></nav>
<p><#if objects?has_content>Objects to change: <#list objects as o><strong>${o}</strong><#sep>, </#list>.</#if><#if objects?has_content && settingHosts?has_content>
</#if><#if settingHosts?has_content>Host settings to change (step ${phase.hosts.number}): <#list settingHosts as h><strong>${h}</strong><#sep>, </#list>.</#if></p>
<#if !scriptBeside>
<p>remediation.ps1, which the steps below name, was not written with this runbook: if it is not in this folder, <code>kcd-audit report --from &lt;this run’s folder&gt; --formats ps1</code> writes it from the same findings.</p>
</#if>


<h2 id="step-${phase.before.number}">${phase.before.number}. ${phase.before.title}</h2>
<ul class="check">
  <li>You hold Domain Admin rights (or delegated write access to these objects).</li>
  <li>The change ticket is approved and names the <#if objects?has_content>objects<#if settingHosts?has_content> and hosts</#if><#else>hosts</#if> above.</li>
  <li>A maintenance window is agreed; live migrations between the affected hosts may fail until step ${phase.purge.number} is done.</li>
  <li>The current state (delegation entries, flags, SPNs, resource-based delegation and encryption types, with the accounts that lose an SPN) is exported for rollback (run on an admin workstation with the ActiveDirectory module):</li>
</ul>
<@pre text=run.exportCmd/><#nt>
<#if preChecks?has_content>
<p>Each host of a direction to test migrates with Kerberos: each check must show <code>Kerberos</code> (constrained delegation is Kerberos only, and CredSSP fails under Credential Guard). This step changes nothing: note a host that shows <code>CredSSP</code>; step ${phase.hosts.number} switches it, before replication:</p>
<ul class="check cols"><#list preChecks as pc><li>${pc.host}<#if pc.noCommand?has_content>: ${pc.noCommand}</#if></li></#list></ul>
<#assign typedChecks = preChecks?filter(pc -> pc.cmd?has_content)>
<#if typedChecks?has_content>
<pre><#list typedChecks as pc>${pc.cmd}<#sep>
</#list></pre>
</#if>
</#if>

<h2 id="step-${phase.change.number}">${phase.change.number}. ${phase.change.title}<a class="top" href="#contents">contents ↑</a></h2>
<#if !scripted>
<p>${phase.change.summary}</p>
<#else>
<p>For each host: Active Directory Users and Computers (ADUC, with View → Advanced Features on), find the computer
object, Properties → <strong>Delegation</strong> tab. The same change in PowerShell follows each host
(remediation.ps1 holds all of them). Every command writes to
<#if (run.servers?size > 1)>a domain controller of the object's own domain (<#list run.servers as sv><strong>${sv.server}</strong> for ${sv.directory}<#sep>, </#list>)<#elseif run.readOnlyNotes?has_content>one domain controller<#elseif run.server?has_content><strong>${run.server}</strong>, <#if run.serverFromUrl>the host of the audit’s directory URL (the directory did not name its domain controller: check that it is one)<#else>the domain controller the audit read from</#if><#else>the domain controller you put in place of &lt;DC&gt;</#if>,
so that step ${phase.replicate.number} can push the changes from there<#if run.readOnlyNotes?has_content>: <#list run.readOnlyNotes as n>${n}<#sep>; </#list>. In ADUC,<#else>; ADUC:</#if> right-click the domain → Change Domain Controller.</p>
<p>To make the whole change with the script instead: in PowerShell on an admin workstation with the ActiveDirectory module, as Domain Admin, in the folder of this runbook (the script writes its change record next to itself), run the dry run first (it shows each change and changes nothing), then the change:</p>
<pre>${run.scriptCmd}
${run.applyCmd}</pre>
<p>PowerShell runs a script of the current folder only as <code>.\remediation.ps1</code>. Copied from a share, a mail or a browser, the script is blocked under the RemoteSigned execution policy: run <code>Unblock-File .\remediation.ps1</code> first, or start it as <code>powershell.exe -ExecutionPolicy Bypass -File .\remediation.ps1 -Apply</code> (also the way under AllSigned, as the script is not signed).</p>
</#if>

<#if (hosts?size > 1)>
<details class="index"<#if (hosts?size <= 12)> open</#if>><summary>The ${hosts?size} hosts<#if unregister?has_content> and the duplicate SPNs</#if>, by cluster</summary>
<#assign lastCluster = "#start#">
<#list hosts as h><#assign hc = h.cluster!""><#if hc != lastCluster><#if !h?is_first></p>
</#if><p><strong><#if hc?has_content>${hc}<#else>(no cluster)</#if></strong>: <#assign lastCluster = hc><#else>, </#if><a href="#host-${h?counter}">${h.name}</a></#list></p>
<#if unregister?has_content><p><a href="#host-${hosts?size + 1}">${phase.change.number}.${hosts?size + 1}. Duplicate SPNs on other objects</a></p></#if>
</details>
</#if>

<#list hosts as h>
<div class="card" id="host-${h?counter}">
<h3>${phase.change.number}.${h?counter}. ${h.name}<#if h.cluster?has_content> <span class="meta">(cluster ${h.cluster})</span></#if></h3>
<p class="meta"><#if h.os?has_content>${h.os}; </#if>delegation today: ${h.currentMode}.<#if (run.servers?size > 1)><br>Domain: ${h.directory}; its commands write to ${h.server}.</#if><#if h.rbcd?has_content><br>Resource-based delegation (set on this host, the target; not on ADUC's Delegation tab): allow <#list h.rbcd as p>${p}<#sep>, </#list>; the command sets the whole list.</#if><#if h.rules?has_content><br>Settles: <#list h.rules as r><code>${r}</code> (${rules[r].title})<#sep>; </#list>.</#if></p>
<#if h.changesDelegationTab>
<ol>
  <li>Open <strong>${h.name}</strong> → Properties → <strong>Delegation</strong>.</li>
  <li>Select <strong>Trust this computer for delegation to specified services only</strong>.<#if h.unconstrained> (It is set to “Trust this computer for delegation to any service (Kerberos only)” today: unconstrained delegation, which is what the audit flags.)</#if></li>
  <li>Select <strong>${h.aducProtocol}</strong><#if policy.protocolTransition != "either"> (policy “${policy.protocolTransition}”)<#elseif h.unconstrained> (policy “either”; Microsoft’s recommendation since Windows Server 2016)<#else> (policy “either”: keep what the host has)</#if>.</li>
<#list h.add as p>
<#if p.notAsStored?has_content>
  <li>The computer to add, <strong>${p.shown}</strong> (${p.dn}<#if p.account?has_content>; account name ${p.account}, unique in the domain</#if>), has a name holding ${p.notAsStored}, which reads like an ASCII letter or as nothing: do not type its name in <strong>Add…</strong> → <strong>Users or Computers…</strong>, where a typed name can find another computer. Leave it until after <strong>OK</strong> below, then <#if p.cmd?has_content>add these entries with remediation.ps1 or with this command (in the PowerShell below too), which names the entries, not the computer: <code>${p.cmd}</code><#else>add these entries with remediation.ps1, which adds them by their exact stored bytes</#if>; then reopen <strong>${h.name}</strong> → Properties → <strong>Delegation</strong>, tick <strong>Expanded</strong> under the list and check that they are now present:
<#else>
  <li>Click <strong>Add…</strong> → <strong>Users or Computers…</strong> → enter <strong>${p.peer}</strong> → OK → select the service type<#if p.services?size != 1>s</#if> <#list p.services as sv><strong>${sv}</strong><#sep> and </#list> → OK.<#if p.registerFirst??> ADUC lists only the SPNs ${p.shown} registers: register <#list p.registerFirst as spn><span class="spn">${spn}</span><#sep>, </#list> on it first (step ${phase.change.number}.${p.registerStep}).</#if> Tick <strong>Expanded</strong> under the list and check that these entries are now present:
</#if>
    <ul class="check"><#list p.spns as spn><li class="spn">${spn}</li></#list></ul></li>
</#list>
<#if h.remove?has_content>
  <li>In “Services to which this account can present delegated credentials”, select each of these entries and click <strong>Remove</strong>:
    <ul><#list h.remove as p><li>${p.label}:<ul class="check"><#list p.spns as spn><li class="spn">${spn}</li></#list></ul></li></#list></ul></li>
</#if>
  <li>Click <strong>Apply</strong>, then <strong>OK</strong>.</li>
</ol>
</#if>
<#if h.register?has_content>
<p>Register <#if h.register?size == 1>this SPN<#else>these SPNs</#if> on ${h.name}’s own account (the audit found no object holding it, remediation.ps1 checks again before it adds it; on a Hyper-V host, restarting vmms re-registers its Microsoft Virtual System Migration Service SPNs, and a missing cifs SPN is usually a missing HOST SPN, which serves cifs too and which a computer account normally holds):</p>
<ul class="check"><#list h.register as spn><li class="spn">${spn}</li></#list></ul>
</#if>
<#list h.steps?filter(st -> st.kind == "encryption") as st>
<p>Allow AES on ${h.name}’s own account. This is not on the Delegation tab: open <strong>${h.name}</strong> → Properties → <strong>Attribute Editor</strong> (View → Advanced Features on) and edit:</p>
<ul class="check"><li>The Group Policy setting “Network security: Configure encryption types allowed for Kerberos” that applies to ${h.name} allows AES (AES128_HMAC_SHA1, AES256_HMAC_SHA1), or is not defined: ${h.name} writes this attribute itself from that setting at each restart and policy refresh, so a setting that allows RC4 only would put today’s value back (on the host, <code>SupportedEncryptionTypes</code> under HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\Kerberos\Parameters must include 0x8 or 0x10, or be absent). Change the setting first where it does not.</li><#if st.clearDesOnly><li>userAccountControl: USE_DES_KEY_ONLY (0x200000) taken off (today’s value minus 2097152)</li></#if><#if st.keepsValue><li>msDS-SupportedEncryptionTypes: leave it at ${st.value} (${st.types})</li><#else><li>msDS-SupportedEncryptionTypes: ${st.value} (${st.types}; <#if st.previous?has_content>today ${st.previous}<#else>not set today</#if>)</li></#if></ul>
</#list>
<#if h.untyped gt 0>
<p><#if h.untyped == 1>One entry above cannot<#else>${h.untyped} entries above cannot</#if> be typed safely into a command (a quote, <code>$(</code>, a control or bidirectional character, or a letter outside ASCII, shown by its code, which can look like an ASCII one), so no command below carries <#if h.untyped == 1>it<#else>them</#if> (<#list h.untypedEntries as v>${v}<#sep>, </#list>): remove <#if h.untyped == 1>it<#else>them</#if> in ADUC as listed, or in ADSI Edit (${h.name} → Properties → msDS-AllowedToDelegateTo); remediation.ps1 changes <#if h.untyped == 1>it<#else>them</#if> by the exact value stored. ADUC shows a value as it is stored, so an entry that looks there like another one is best left to remediation.ps1.</p>
</#if>
<#if h.commands?has_content>
<p>PowerShell:</p>
<pre><#list h.commands as c>${c}<#sep>
</#list></pre>
</#if>
</div>
</#list>

<#if unregister?has_content>
<div class="card" id="host-${hosts?size + 1}">
<h3>${phase.change.number}.${hosts?size + 1}. Duplicate SPNs on other objects</h3>
<p>The KDC refuses tickets for an SPN that two objects hold. Take each of these off the object that does not run the service (the value as that object stores it):</p>
<ul class="check">
<#list unregister as u>
  <li><span class="spn">${u.values[0].text}</span> from <strong>${u.subject}</strong><#if u.rules?has_content> (<code>${u.rules[0]}</code>)</#if><#if u.cmd?has_content><@pre text=u.cmd/><#elseif !u.values[0].b64?has_content><br>This step has ${u.noCommand}.<#else><br>This SPN cannot be typed safely into a command (a quote, <code>$(</code>, a control or bidirectional character, or a letter outside ASCII, shown by its code, which can look like an ASCII one), so no command carries it: take it off in ADSI Edit (${u.subject} → Properties → servicePrincipalName); remediation.ps1 changes it by the exact value stored.</#if></li>
</#list>
</ul>
</div>
</#if>

<#if refused?has_content>
<@notScripted heading="h3"/>
</#if>

<#if phase.hosts??>
<h2 id="step-${phase.hosts.number}">${phase.hosts.number}. ${phase.hosts.title}<#if hasChanges><a class="top" href="#contents">contents ↑</a></#if></h2>
<p><#if hostSteps?has_content>Steps on the hosts: ${hostActions}. They run<#else>These run</#if> on (or against) the hosts, not in Active Directory’s tools; remediation.ps1 does not run them.</p>
<ul class="check">
<#list hostSteps as st>
  <li><strong>${st.host}</strong>: ${st.action}<#if st.rules?has_content> (<#list st.rules as r><code>${r}</code><#sep>, </#list>)</#if>; ${st.detail}.<#if st.cmd?has_content><@pre text=st.cmd/></#if></li>
</#list>
<#if credSspFixes?has_content>
  <li><#if hostSteps?has_content>Each other host<#else>Each host</#if> whose check in step ${phase.before.number} showed <code>CredSSP</code>: authenticate live migrations with Kerberos; from a management station with the Hyper-V module (each line checks the host first, so the block can be pasted whole).<pre><#list credSspFixes as c>${c}<#sep>
</#list></pre></li>
</#if>
</ul>
</#if>

<h2 id="step-${phase.replicate.number}">${phase.replicate.number}. ${phase.replicate.title}<#if hasChanges><a class="top" href="#contents">contents ↑</a></#if></h2>
<p>On any machine with the AD DS tools, as Domain Admin, push the changes from the domain controller they were written to<#if !run.server?has_content> (replace &lt;DC&gt; with it)</#if>:</p>
<@pre text=run.replicateCmd/><#nt>
<p class="warn">Case matters: upper-case <code>/A</code> all partitions, <code>/d</code> identify servers by DN, <code>/e</code> across sites,
<code>/P</code> push. Lower-case <code>/a</code> and <code>/p</code> mean <em>abort</em> and <em>pause</em>.</p>
<p>Then wait until replication has converged (<code>repadmin /replsummary</code> shows no failures). Without the forced sync, a change reaches the other domain controllers of its site within seconds, but other sites only at the next scheduled replication: by default every 180 minutes (the site link’s interval).</p>

<h2 id="step-${phase.purge.number}">${phase.purge.number}. ${phase.purge.title}<#if hasChanges><a class="top" href="#contents">contents ↑</a></#if></h2>
<p>On each of these hosts, in an elevated prompt:</p>
<pre>${run.purgeCmd}</pre>
<p class="warn">Type it rather than paste it; a pasted dash can become an en-dash.</p>
<ul class="check cols"><#list purgeHosts as ph><li>${ph}</li></#list></ul>
<p>The Virtual Machine Management Service (vmms) runs as SYSTEM and uses the tickets of the SYSTEM logon session (LUID 0x3e7).
Plain <code>klist purge</code> clears only <em>your</em> logon session, so the host keeps using the old tickets, without the new
delegation, until they expire (up to 10 hours).</p>
<p>If a migration still fails afterwards, restart the service on the source host (running VMs keep running):</p>
<pre>${run.restartCmd}</pre>

<h2 id="step-${phase.validate.number}">${phase.validate.number}. ${phase.validate.title}<#if hasChanges><a class="top" href="#contents">contents ↑</a></#if></h2>
<p>Live-migrate a test VM in every affected direction. Start each move <strong>on the source node</strong> (in a session on that node, or in Failover Cluster Manager there),
so that it tests the hosts’ delegation, not your account: started remotely, it also needs your account delegable (not in Protected Users, not “sensitive and cannot be delegated”), and it cannot fall back to CredSSP, which needs a sign-in on the source host and which Credential Guard (on by default on Windows Server 2025) blocks. Each migration must reach 100 %.
A failure at 80–90 % with event 21502 / 22038 and a Kerberos HRESULT (0x8009030E, 0x8009030D, 0x80090322, 0x80090303) means delegation or an SPN is still wrong; other HRESULTs (network, memory, logon right, attached ISO, cluster) point elsewhere. Replace &lt;test VM&gt; with a VM running on the source host.</p>
<#if validate?has_content>
<ul class="check">
<#list validate as v>
  <#if v.cmd?has_content>
  <li>${v.from} → ${v.to} <span class="meta">(cluster ${v.cluster}; run it on ${v.on})</span><#if v.logged?has_content> <span class="meta">a ${v.logged} failure was logged on this direction, which delegation cannot explain: if the move fails that way again, see step ${phase.decide.number}</span></#if><@pre text=v.cmd/></li>
  <#else>
  <li>${v.from} → ${v.to} <span class="meta">(cluster ${v.cluster})</span>: ${v.noCommand}.</li>
  </#if>
</#list>
</ul>
<#else>
<p>No pair was failing; migrate one test VM between two changed hosts to confirm.</p>
</#if>
<#if storage?has_content>
<ul class="check">
<#list storage as sc>
  <li><strong>${sc.action}</strong>: ${sc.detail}.<#if sc.cmd?has_content><@pre text=sc.cmd/></#if></li>
</#list>
</ul>
</#if>
</#if>

<#if decisions?has_content>
<h2 id="step-${phase.decide.number}">${phase.decide.number}. ${phase.decide.title}<#if hasChanges><a class="top" href="#contents">contents ↑</a></#if></h2>
<p>These findings are not part of the scripted change (remediation.ps1 leaves them alone): an administrator decides each, and carries out the decision with the command labelled for it (“If so:”, or what the command does, such as “To restore it:”) where it has one, else by hand.<#if decisions?size != summary.decisions> ${summary.decisionCount}: one step per host and question.</#if></p>
<#list decisions as d>
<div class="card"><span class="sev ${d.severity}">${d.severity}</span> <strong>${d.rule}</strong> <span class="meta">${d.title}</span><#if d.host?has_content> on ${d.host}</#if><br>
<#if d.entries?has_content>${d.findings} findings, one per entry, ask the same question:<ul><#list d.entries as e><li><#if e.peer?has_content>to ${e.peer}<@lookAlike e/>: </#if><#list e.spns as spn><code>${spn}</code><#sep>, </#list></li></#list></ul><#if d.alike?has_content>${d.alike}<br></#if><#else>${d.message}<br></#if><#if d.coveredStep?has_content><strong>Covered by step ${d.coveredStep}</strong>, which changes ${d.host}’s delegation: check the result against the baseline afterwards.<br></#if><strong>To decide:</strong> ${d.what}<#list d.proposed as c><br><strong>${d.yes}:</strong><pre>${c}</pre></#list><#list d.undo as c>Undo: <pre>${c}</pre></#list><#if d.noCommand?has_content><br>${d.yes}, this step has ${d.noCommand}.</#if></div>
</#list>
<#if yesChanges>
<#if phase.replicate??>
<p>A decision carried out with its commands changes Active Directory too: replicate and purge the hosts’ tickets again as in steps ${phase.replicate.number} and ${phase.purge.number}<#if run.decisionReplicateCmds?has_content> (a yes written to another domain is pushed from that domain’s controller: <#list run.decisionReplicateCmds as c><code>${c}</code><#sep>, </#list>)</#if>, before step ${phase.confirm.number}.</p>
<#else>
<p>A decision carried out with its commands changes Active Directory: push it from the domain controller it was written to, then, in an elevated prompt on each host of the pairs it unblocks (one that unblocks none, such as removing a stale entry, needs no purge), purge the tickets of the SYSTEM logon session (vmms uses them; plain <code>klist purge</code> does not clear them), and run preflight again:</p>
<pre><#if run.replicateCmd?has_content>${run.replicateCmd}
</#if>${run.purgeCmd}</pre>
</#if>
</#if>
</#if>

<#if hasChanges>
<h2 id="step-${phase.confirm.number}">${phase.confirm.number}. ${phase.confirm.title}<a class="top" href="#contents">contents ↑</a></h2>
<p>With the configuration this audit used<#if run.configFile?has_content>, <code>${run.configFile}</code> on the machine that ran it.<#else> (put its path in place of <code>kcd-audit.yaml</code>).</#if> On Windows kcd-audit is <code>bin\kcd-audit.cmd</code> (or <code>bin\kcd-audit.ps1</code>) in the folder it was unpacked to, which is not on PATH: start it by that path.</p>
<ul class="check">
<#list closing as c>
  <li><strong>${c.action}</strong>: ${c.detail}.<#if c.cmd?has_content><@pre text=c.cmd/></#if></li>
</#list>
</ul>

<h2 id="step-${phase.rollback.number}">${phase.rollback.number}. ${phase.rollback.title}<#if hasChanges><a class="top" href="#contents">contents ↑</a></#if></h2>
<p><#if !scripted>${nothingToRollBack}<#else>Only if the change must be undone: <code>${run.rollbackCmd}</code>, in the folder of this runbook, reads the change record that <code>-Apply</code> wrote next to the script (${run.recordFile}: each value it actually added or removed, each flag it set, and the objects’ values before) and reverts exactly those changes; values that were already present before are left alone. Without the record it refuses. It re-enables unconstrained delegation only when started with <code>-Force</code>.</#if>
<#assign untypedHosts = hosts?filter(h -> h.untyped gt 0)?map(h -> h.name)>
<#assign untypedSpns = unregister?filter(u -> !u.undo?has_content)?size>
<#if untypedHosts?has_content || untypedSpns gt 0><#if rollback?has_content>By hand, the inverse commands below undo the plan except what no command can carry<#else>No command can carry the inverse of this change</#if> (<#if untypedHosts?has_content>the delegation entries of ${untypedHosts?join(", ")} that cannot be typed safely, step ${phase.change.number}</#if><#if untypedSpns gt 0><#if untypedHosts?has_content>; </#if>${untypedSpns} SPN<#if untypedSpns gt 1>s</#if> taken off without a command</#if>): put those back in ADSI Edit from ${run.exportFile}, or use <code>${run.rollbackCmd}</code>, which restores them by the exact value.<#elseif scripted>By hand, the inverse commands below undo the whole plan (the previous values are in ${run.exportFile}).</#if>
<#if kerberosOnHosts>The migration authentication set to Kerberos on a host (step ${phase.hosts.number}) is not undone: CredSSP fails under Credential Guard. </#if><#if passwordResets?has_content>The computer password reset on ${passwordResets?join(", ")} (step ${phase.hosts.number}) is not undone: an old password cannot be set back, and the new one only adds the AES keys. </#if><#if migrationEnabled?has_content>Live migration enabled on ${migrationEnabled?join(", ")} (step ${phase.hosts.number}) is not undone: disabled again, every pair into and out of the host fails. </#if><#assign reenabled = hosts?filter(h -> h.unconstrained)?map(h -> h.name)><#if reenabled?has_content>Undone by hand, the change of ${reenabled?join(", ")} turns unconstrained delegation back on (UNCONSTRAINED_DELEGATION, HIGH: every service ticket sent to the host then carries the user’s TGT): run its <code>-TrustedForDelegation $true</code> line only to undo the change in full, as <code>.\remediation.ps1 -Rollback</code> asks for <code>-Force</code> before it does. </#if><#if unregister?has_content>An SPN taken off another object (step ${phase.change.number}.${hosts?size + 1}) goes back only where no other object holds it by then: domain controllers from Windows Server 2012 R2 on refuse a duplicate SPN, and the duplicate is what blocked the pairs. <code>.\remediation.ps1 -Rollback</code> skips such an SPN with a warning and goes on. </#if><#if scripted>Then replicate and purge tickets again as in steps ${phase.replicate.number} and ${phase.purge.number}.</#if></p>
<#if rollback?has_content><pre><#list rollback as c>${c}
</#list></pre></#if>
</#if>

<#if changeToSign>
<h2 id="sign-off">Sign-off</h2>
<p>Change ticket: <strong><#if changeTicket?has_content>${changeTicket}<#else>__________</#if></strong></p>
<table>
  <tr><th style="width:30%">Step</th><th>Name</th><th style="width:22%">Signature</th><th style="width:18%">Date</th></tr>
  <tr><td>Change made by</td><td></td><td></td><td></td></tr>
  <tr><td>Validated by (test moves at 100 %, preflight)</td><td></td><td></td><td></td></tr>
</table>
</#if>
</body>
</html>
