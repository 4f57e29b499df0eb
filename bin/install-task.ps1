<#
.SYNOPSIS
Registers the kcd-audit daemon as a Windows scheduled task, or removes it.

.DESCRIPTION
The task (packaging\windows\kcd-audit-daemon.xml) starts java.exe with "kcd-audit daemon --config
<Config>" at boot, starts it again within 5 minutes after it exited, has no time limit, and runs as
<Account>: a group managed service account (name ending in $, no password to keep) where possible,
else a domain account whose password is asked for. Run from an elevated PowerShell. The java.exe
found now (-JavaHome, else JAVA_HOME, else PATH; 17 or later) is written into the task: give -JavaHome
a folder that stays across Java updates (a junction, docs/install.md), or run this again after every
Java update, patch level included.
The account is checked first (Test-ADServiceAccount for a gMSA where the RSAT module is installed;
for another account, a password given). The config file's folder (store, reports, baseline and log are
there by default) is then given an ACL of its own: Administrators and SYSTEM Full control, the account
Modify, secrets\ read-only for the account; this refuses while a local user who is no administrator
may write there, or owns or may change something below it. The task is registered disabled and
enabled only once it runs as <Account>; a task of the same name registered before is saved
(Export-ScheduledTask), disabled and stopped first, so run this again for an upgrade: it keeps that
task's JVM options unless KCD_AUDIT_HEAP or KCD_AUDIT_JAVA_OPTS are set. A failure never leaves the
task as LocalSystem: a new one is removed, one registered before is registered again as it was.
docs/install.md has the whole procedure.

.PARAMETER JavaHome
The Java 17+ folder whose bin\java.exe the task runs (else JAVA_HOME's, else the first on PATH). The
Temurin and Microsoft MSIs and a zip install Java into a folder named after its full version
(jre-17.0.13.11-hotspot), which the next Java update removes; the task then cannot start
(LastTaskResult 2147942402, 0x80070002) and the daemon stops without a log or a mail. Give a junction
that you move to each new Java instead: mklink /J "C:\Program Files\Java17" "<the Java folder>".

.EXAMPLE
.\install-task.ps1 -Config 'C:\ProgramData\kcd-audit\kcd-audit.yaml' -Account 'CONTOSO\gmsa-kcdaudit$' -JavaHome 'C:\Program Files\Java17'

.EXAMPLE
.\install-task.ps1 -Config 'C:\ProgramData\kcd-audit\kcd-audit.yaml' -Account 'CONTOSO\svc-kcdaudit'

.EXAMPLE
.\install-task.ps1 -Uninstall
#>
[CmdletBinding(DefaultParameterSetName = 'Install')]
param(
    [Parameter(Mandatory = $true, ParameterSetName = 'Install')]
    [string]$Config,
    [Parameter(Mandatory = $true, ParameterSetName = 'Install')]
    [string]$Account,
    [Parameter(ParameterSetName = 'Install')]
    [pscredential]$Credential,
    [Parameter(ParameterSetName = 'Install')]
    [string]$JavaHome,
    [string]$TaskName = 'kcd-audit-daemon',
    [Parameter(Mandatory = $true, ParameterSetName = 'Uninstall')]
    [switch]$Uninstall
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'kcd-audit.ps1')   # Get-KcdHome, Get-KcdJar, Find-KcdJava, Get-KcdJvmArguments

$identity = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
if (-not $identity.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'install-task.ps1: run it from an elevated PowerShell (Run as Administrator)'
}

if ($Uninstall) {
    # run again, or with no task, it says so instead of failing with 'No MSFT_ScheduledTask objects found'
    if (-not (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue)) {
        Write-Host "No scheduled task $TaskName is registered: nothing to remove."
        return
    }
    Stop-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
    Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
    Write-Host "Scheduled task $TaskName removed. The config, store, reports and logs are left in place."
    return
}

# ProviderPath: a plain path for a UNC config too (Path would be Microsoft.PowerShell.Core\FileSystem::\\srv\...)
$configPath = (Resolve-Path -LiteralPath $Config).ProviderPath
$configDir = Split-Path -Parent $configPath

# Whether Modify on $Candidate, which all below it inherits, would reach more than kcd-audit's data: a drive's root, a
# folder Windows, other programs or other users share (Windows, Program Files, ProgramData, Users, a profile itself),
# or one inside or above the installation folder, whose config\jvm.options and jar every administrator's
# kcd-audit.cmd runs.
function Test-KcdSharedFolder([string]$Candidate) {
    $folder = $Candidate.TrimEnd('\')
    $installation = (Resolve-Path -LiteralPath (Get-KcdHome)).ProviderPath.TrimEnd('\')
    $shared = @(@('Windows', 'ProgramFiles', 'ProgramFilesX86', 'CommonApplicationData', 'UserProfile') |
            ForEach-Object { [Environment]::GetFolderPath($_) })
    $shared += @($env:ProgramW6432, (Split-Path -Parent ([Environment]::GetFolderPath('UserProfile'))))
    $folder -eq [IO.Path]::GetPathRoot($Candidate).TrimEnd('\') -or
            ($shared | Where-Object { $_ } | ForEach-Object { $_.TrimEnd('\') }) -contains $folder -or
            ($folder + '\').StartsWith($installation + '\', 'OrdinalIgnoreCase') -or
            ($installation + '\').StartsWith($folder + '\', 'OrdinalIgnoreCase')
}
if (Test-KcdSharedFolder $configDir) {
    throw ("install-task.ps1: the account would be given Modify on $configDir, the config file's folder, and all below" +
            " it, which holds other programs', other users' or kcd-audit's own files: put the config in a folder of its" +
            " own, e.g. C:\ProgramData\kcd-audit\kcd-audit.yaml")
}
if ((Get-Content -LiteralPath $configPath -Raw) -notmatch '(?m)^\s+logFile\s*:') {
    Write-Warning ("$configPath sets no daemon.logFile: a scheduled task has no console, so the daemon's log" +
            " would be lost. Add under daemon: logFile: $configDir\logs\daemon.log")
}
# The account is checked before a task registered before is touched: a typo, a gMSA this server may not retrieve or a
# cancelled password dialog must not leave the running daemon stopped.
try {
    $accountSid = (New-Object Security.Principal.NTAccount $Account).Translate([Security.Principal.SecurityIdentifier]).Value
} catch {
    throw "install-task.ps1: $Account is not an account this server knows ($($_.Exception.Message)). Nothing was changed."
}
$gmsa = $Account.EndsWith('$')
if ($gmsa) {
    if (Get-Command -Name Test-ADServiceAccount -ErrorAction SilentlyContinue) {
        $name = ($Account -split '\\')[-1].TrimEnd('$')
        try {
            $usable = Test-ADServiceAccount -Identity $name
        } catch {
            throw "install-task.ps1: Test-ADServiceAccount $name failed: $($_.Exception.Message). Nothing was changed."
        }
        if (-not $usable) {
            throw ("install-task.ps1: Test-ADServiceAccount $name says this server cannot use $Account (docs/install.md," +
                    " step 3: PrincipalsAllowedToRetrieveManagedPassword, Install-ADServiceAccount). Nothing was changed.")
        }
    } else {
        Write-Warning ("Test-ADServiceAccount (the RSAT Active Directory module) is not installed here, so $Account" +
                " could not be checked before the task is set up")
    }
} else {
    if (-not $Credential) {
        $Credential = Get-Credential -UserName $Account -Message "Password of $Account, the account the task runs as"
    }
    if (-not $Credential -or -not $Credential.GetNetworkCredential().Password) {
        throw "install-task.ps1: no password of $Account was given (the dialog was cancelled or left empty). Nothing was changed."
    }
}

$java = Find-KcdJava -JavaHome $JavaHome
# a folder named after Java's full version (jre-17.0.13.11-hotspot, jdk-17.0.13+11) is replaced by the next update
if ($java -match '\\[^\\]*\d+\.\d+\.\d+[^\\]*\\') {
    Write-Warning ("$java is in a folder named after its full Java version, which the next Java update (patch level" +
            " included) replaces: the task then cannot start java.exe (LastTaskResult 2147942402, 0x80070002) and the" +
            " daemon stops without a log or a mail. Give -JavaHome a junction that stays and that you move to each new" +
            " Java: cmd /c mklink /J `"C:\Program Files\Java17`" `"$(Split-Path -Parent (Split-Path -Parent $java))`"" +
            " (docs/install.md), or run this again after every Java update.")
}
$jar = Get-KcdJar

# The JVM options of a task registered before (-Xms2g -Xmx2g -Djavax.net.ssl.trustStore=...) as written in its
# arguments: what stands between the first argument (its config\jvm.options) and -jar. An argument is a run of
# characters that are no white space, or of quoted text, in which a backslash escapes the next character.
function Get-KcdTaskJvmOptions([string]$Arguments) {
    $one = '(?:[^\s"]|"(?:[^"\\]|\\.)*")+'
    $pattern = '^\s*' + $one + '((?:\s+(?!-jar\s)' + $one + ')*)\s+-jar\s'
    if ($Arguments -match $pattern) {
        return $Matches[1].Trim()
    }
    ''
}

# The task of this name registered before (an upgrade, a new Java), if any
$oldTask = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
$oldAction = if ($oldTask) { @($oldTask.Actions)[0] } else { $null }
$jvmLine = (@(Get-KcdJvmArguments) | ForEach-Object { ConvertTo-KcdCommandLineArgument $_ }) -join ' '
if ($env:KCD_AUDIT_HEAP -or $env:KCD_AUDIT_JAVA_OPTS) {
    Write-Warning ("KCD_AUDIT_HEAP / KCD_AUDIT_JAVA_OPTS of this session go into the task's arguments, in place of the" +
            " JVM options it had: $env:KCD_AUDIT_HEAP $env:KCD_AUDIT_JAVA_OPTS (clear them and run this again if that" +
            " was not meant)")
} elseif ($oldAction) {
    # run again from a new window (an upgrade): the heap and -D options the task was given before are kept
    $kept = Get-KcdTaskJvmOptions $oldAction.Arguments
    if ($kept) {
        $jvmLine += ' ' + $kept
    }
}
$argumentLine = $jvmLine + ' ' + ((@('-jar', $jar, 'daemon', '--config', $configPath) |
        ForEach-Object { ConvertTo-KcdCommandLineArgument $_ }) -join ' ')

[xml]$task = Get-Content -LiteralPath (Join-Path (Get-KcdHome) 'packaging\windows\kcd-audit-daemon.xml') -Raw
$ns = New-Object System.Xml.XmlNamespaceManager $task.NameTable
$ns.AddNamespace('t', 'http://schemas.microsoft.com/windows/2004/02/mit/task')
$task.SelectSingleNode('/t:Task/t:RegistrationInfo/t:URI', $ns).InnerText = "\$TaskName"
# Task Scheduler replaces %NAME% in a task's command, arguments and working folder with the environment variable (of
# the task's account: its own USERNAME, USERPROFILE, TEMP) each time it starts it, and has no escape for '%'.
foreach ($value in @($java, $argumentLine, $configDir)) {
    if ([Environment]::ExpandEnvironmentVariables($value) -ne $value) {
        throw ("install-task.ps1: $value holds %NAME% of an environment variable, which Task Scheduler would replace" +
                " when it starts the task ('%' has no escape there): move the config, Java or kcd-audit to a folder" +
                " whose path has none, or write the value out in KCD_AUDIT_JAVA_OPTS")
    }
}
if ($oldAction -and ($oldAction.Execute -ne $java -or $oldAction.Arguments -ne $argumentLine)) {
    Write-Host "The task $TaskName registered before is changed:"
    Write-Host "  java.exe before:  $($oldAction.Execute)"
    Write-Host "  java.exe now:     $java"
    Write-Host "  arguments before: $($oldAction.Arguments)"
    Write-Host "  arguments now:    $argumentLine"
}
$exec = $task.SelectSingleNode('/t:Task/t:Actions/t:Exec', $ns)
$exec.SelectSingleNode('t:Command', $ns).InnerText = $java
$exec.SelectSingleNode('t:Arguments', $ns).InnerText = $argumentLine
$exec.SelectSingleNode('t:WorkingDirectory', $ns).InnerText = $configDir
# Registered disabled: its 5-minute trigger must not start it before the account is in place.
$task.SelectSingleNode('/t:Task/t:Settings/t:Enabled', $ns).InnerText = 'false'
if ($task.FirstChild -is [System.Xml.XmlDeclaration]) {
    [void]$task.RemoveChild($task.FirstChild)   # the XML goes in as a string; its declared encoding would not match
}

# Everyone, Authenticated Users, Users, INTERACTIVE: the local users who are no administrators
$KcdWeakSids = @('S-1-1-0', 'S-1-5-11', 'S-1-5-32-545', 'S-1-5-4')
# the rights to create, change, delete or re-permit a file or folder, with GENERIC_WRITE and GENERIC_ALL
$KcdWriteRights = [int]([Security.AccessControl.FileSystemRights]('WriteData, AppendData, WriteExtendedAttributes,' +
        ' WriteAttributes, DeleteSubdirectoriesAndFiles, Delete, ChangePermissions, TakeOwnership')) -bor 0x40000000 -bor 0x10000000

# Whether an entry of $Path (its own, and unless -OwnEntriesOnly its inherited ones) lets one of $KcdWeakSids write.
function Test-KcdUsersCanWrite([string]$Path, [switch]$OwnEntriesOnly) {
    $rules = (Get-Acl -LiteralPath $Path).GetAccessRules($true, -not $OwnEntriesOnly, [Security.Principal.SecurityIdentifier])
    @($rules | Where-Object {
        $_.AccessControlType -eq 'Allow' -and ([int]$_.FileSystemRights -band $KcdWriteRights) -and
                $KcdWeakSids -contains $_.IdentityReference.Value
    }).Count -gt 0
}

# What below $Folder a local user who is no administrator may have put there or may still change: an item owned by
# another than the $Trusted SIDs, or whose own entries let one of $KcdWeakSids write, and every link (junction, symbolic
# link), listed itself and never followed: the daemon would read and write through it.
function Get-KcdForeignItems([string]$Folder, [string[]]$Trusted) {
    $pending = New-Object System.Collections.Stack
    $pending.Push($Folder)
    while ($pending.Count -gt 0) {
        foreach ($item in @(Get-ChildItem -LiteralPath $pending.Pop() -Force)) {
            if ($item.Attributes -band [IO.FileAttributes]::ReparsePoint) {
                $item.FullName
                continue
            }
            $owner = (Get-Acl -LiteralPath $item.FullName).GetOwner([Security.Principal.SecurityIdentifier]).Value
            if ($Trusted -notcontains $owner -or (Test-KcdUsersCanWrite $item.FullName -OwnEntriesOnly)) {
                $item.FullName
            }
            if ($item.PSIsContainer) {
                $pending.Push($item.FullName)
            }
        }
    }
}

# The config folder's ACL, set before the task is touched. A folder made under C:\ProgramData inherits "Users: create
# files and folders": a local user could plant a baseline.yaml whose waivers hide findings from the scheduled audit and
# its mail, create secrets\ or logs\ before the administrator, or change a report's remediation.ps1. Inheritance is
# removed (what is below then inherits the entries given here); SIDs, as Windows translates the names (Administrators)
# into its language. No icacls call recurses: /T would follow a junction a user planted below.
& icacls.exe $configDir /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F' "${Account}:(OI)(CI)M" /Q | Out-Null
if ($LASTEXITCODE -ne 0) {
    throw "install-task.ps1: icacls could not set the ACL of $configDir (exit $LASTEXITCODE). The task was not changed."
}
if (Test-KcdUsersCanWrite $configDir) {
    throw ("install-task.ps1: Everyone, Authenticated Users, Users or INTERACTIVE may still write in $configDir, by an" +
            " entry of its own (icacls shows it): remove it, e.g. icacls `"$configDir`" /remove:g *S-1-5-32-545, and run" +
            " this again. The task was not changed.")
}
$foreign = @(Get-KcdForeignItems $configDir @('S-1-5-32-544', 'S-1-5-18', $accountSid,
        [Security.Principal.WindowsIdentity]::GetCurrent().User.Value))
if ($foreign.Count -gt 0) {
    $shown = @($foreign | Select-Object -First 20) -join ', '
    throw ("install-task.ps1: below $configDir are $($foreign.Count) files, folders or links that another user owns, that" +
            " Everyone, Authenticated Users, Users or INTERACTIVE may change, or that lead elsewhere, as a local user may" +
            " have made them (a baseline.yaml with waivers hides findings): $shown. Check each, delete what is not" +
            " yours, take over the rest (icacls <path> /setowner *S-1-5-32-544, then icacls <path> /reset), and run" +
            " this again. The task was not changed.")
}
# the bind password: read-only for the account (docs/install.md, step 4)
$secrets = Join-Path $configDir 'secrets'
if (Test-Path -LiteralPath $secrets -PathType Container) {
    & icacls.exe $secrets /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F' "${Account}:(OI)(CI)R" /Q | Out-Null
    if ($LASTEXITCODE -ne 0) {
        throw "install-task.ps1: icacls could not set the ACL of $secrets (exit $LASTEXITCODE). The task was not changed."
    }
}

# A task registered before (an upgrade, a new Java): saved as it is, then disabled and stopped, so that its trigger
# does not start the old daemon again and the new registration does not leave it running beside the new one. If the
# new one cannot be handed to the account, the saved one is registered again. Its copy goes to this administrator's
# TEMP, not below the config folder, which the task's account may change.
$previous = $null
if ($oldTask) {
    $previous = Export-ScheduledTask -TaskName $TaskName
    $backup = Join-Path ([IO.Path]::GetTempPath()) "$TaskName.before-install-task.xml"
    Set-Content -LiteralPath $backup -Value $previous -Encoding Unicode   # as it declares itself: UTF-16
    Disable-ScheduledTask -TaskName $TaskName | Out-Null
    Stop-ScheduledTask -TaskName $TaskName
    Write-Host "The running $TaskName was stopped; it is registered again below."
}

try {
    if ($gmsa) {
        # A gMSA has no password to give: register, then hand the task to the account (LogonType Password
        # with no password is how Task Scheduler takes a gMSA).
        Register-ScheduledTask -TaskName $TaskName -Xml $task.OuterXml -Force | Out-Null
        $principal = New-ScheduledTaskPrincipal -UserId $Account -LogonType Password -RunLevel Limited
        Set-ScheduledTask -TaskName $TaskName -Principal $principal | Out-Null
    } else {
        Register-ScheduledTask -TaskName $TaskName -Xml $task.OuterXml -User $Credential.UserName `
                -Password $Credential.GetNetworkCredential().Password -Force | Out-Null
    }
} catch {
    $why = $_.Exception.Message
    # never leave the task behind as LocalSystem (the XML's placeholder) or half set up
    Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction SilentlyContinue
    if (-not $previous) {
        throw "install-task.ps1: the task could not be set up to run as ${Account}: $why. No task $TaskName is registered."
    }
    try {
        Register-ScheduledTask -TaskName $TaskName -Xml $previous | Out-Null
    } catch {
        throw ("install-task.ps1: the task could not be set up to run as ${Account}: $why. The task $TaskName registered" +
                " before could not be registered again either ($($_.Exception.Message)), so none is registered now;" +
                " it is saved in $backup (docs/install.md, step 5). Run this again with the right account or password.")
    }
    throw ("install-task.ps1: the task could not be set up to run as ${Account}: $why. The task $TaskName registered" +
            " before is registered again as it was, with its own account, Java and arguments (stopped; enabled again" +
            " only if it was; a copy is in $backup). Run this again with the right account or password.")
}

Enable-ScheduledTask -TaskName $TaskName | Out-Null
Start-ScheduledTask -TaskName $TaskName
Write-Host "Scheduled task $TaskName registered and started as $Account."
Write-Host "Java: $java"
Write-Host "Check it with: Get-ScheduledTaskInfo -TaskName $TaskName, and the log named by daemon.logFile."
Write-Host ("A daemon that cannot start (a config error, a password file the account cannot read) exits before" +
        " it opens that log: run kcd-audit.cmd schedule --config `"$configPath`" to see such an error.")
Write-Host "To stop the daemon: Disable-ScheduledTask -TaskName $TaskName; Stop-ScheduledTask -TaskName $TaskName"
Write-Host ("(in this order: the task's trigger starts a stopped task again within 5 minutes unless it is disabled;" +
        " Stop-ScheduledTask ends java.exe at once, so a running audit is recorded INTERRUPTED: stop it between" +
        " runs). Enable-ScheduledTask and Start-ScheduledTask start it again.")
