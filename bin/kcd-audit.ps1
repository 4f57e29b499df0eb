<#
.SYNOPSIS
kcd-audit launcher for PowerShell (Windows PowerShell 5.1 and PowerShell 7).

.DESCRIPTION
Finds Java 17 or later (JAVA_HOME, else java.exe on PATH) and runs lib\kcd-auditor.jar with the JVM
options of config\jvm.options and the arguments as given:

    .\kcd-audit.ps1 run --config 'C:\kcd-audit\kcd-audit.yaml'

KCD_AUDIT_HEAP (e.g. 2g) sets the heap (initial and ceiling) for one call, KCD_AUDIT_JAVA_OPTS adds JVM options,
split at white space: a value with a space goes in Java's own JDK_JAVA_OPTIONS, in quotes (docs\install.md).
The exit code is kcd-audit's (0, 1, 2 or 3; README.md). java.exe writes to the console directly:
PowerShell's > and | do not capture its output; use kcd-audit.cmd for that (docs/install.md).
bin\install-task.ps1 dot-sources this file for the same Java lookup.
#>

function Get-KcdHome {
    Split-Path -Parent $PSScriptRoot
}

function Get-KcdJar {
    $kcdHome = Get-KcdHome
    $jar = Join-Path $kcdHome 'lib\kcd-auditor.jar'
    $built = Join-Path $kcdHome 'target\kcd-auditor.jar'   # a checkout: the jar Maven builds
    if (-not (Test-Path -LiteralPath $jar -PathType Leaf) -and (Test-Path -LiteralPath $built -PathType Leaf)) {
        $jar = $built
    }
    if (-not (Test-Path -LiteralPath $jar -PathType Leaf)) {
        throw "kcd-audit: $kcdHome\lib\kcd-auditor.jar not found (unpack the whole release archive)"
    }
    # java -jar makes the jar's path the class path, which Java splits at ';': "Could not find or load main class"
    if ($jar.Contains(';')) {
        throw ("kcd-audit: ${kcdHome}: Java cannot run a program from a folder whose path holds ';' (its class path separator);" +
                " unpack the release archive into a folder without ';'")
    }
    $jar
}

$KcdInstallJava = 'install a Java 17+ runtime (for example Eclipse Temurin 17 JRE or Microsoft Build of OpenJDK 17)'
$KcdNeedJava = "kcd-audit needs Java 17 or later: $KcdInstallJava and set JAVA_HOME to its folder or put its bin folder on PATH"

# The java.exe to use: that of $JavaHome (install-task.ps1 -JavaHome) if given, else JAVA_HOME's, else the first on
# PATH; refuses anything older than Java 17.
function Find-KcdJava([string]$JavaHome) {
    if ($JavaHome) {
        $java = Join-Path $JavaHome.Trim('"') 'bin\java.exe'
        if (-not (Test-Path -LiteralPath $java -PathType Leaf)) {
            throw "kcd-audit: -JavaHome $JavaHome has no bin\java.exe. $KcdNeedJava"
        }
        $whence = 'that java.exe is -JavaHome''s: give -JavaHome a Java 17+ folder'
    } elseif ($env:JAVA_HOME) {
        $java = Join-Path $env:JAVA_HOME.Trim('"') 'bin\java.exe' # set JAVA_HOME="C:\..." keeps the quotes
        if (-not (Test-Path -LiteralPath $java -PathType Leaf)) {
            throw "kcd-audit: JAVA_HOME=$($env:JAVA_HOME) has no bin\java.exe. $KcdNeedJava"
        }
        # a machine-wide JAVA_HOME (another tool's) wins over a Java 17 on PATH
        $whence = 'that java.exe is JAVA_HOME''s, which is used before PATH. For this window only:' +
                ' $env:JAVA_HOME = ''C:\path\to\java-17'' (other windows and programs keep theirs); or' +
                ' Remove-Item Env:JAVA_HOME to use the java.exe on PATH'
    } else {
        $found = Get-Command -Name 'java.exe' -CommandType Application -ErrorAction SilentlyContinue |
                Select-Object -First 1
        if (-not $found) {
            throw "kcd-audit: no java.exe on PATH and JAVA_HOME is not set. $KcdNeedJava"
        }
        $java = $found.Source
        $whence = 'that java.exe is the first on PATH (JAVA_HOME is not set). For this window only:' +
                ' $env:JAVA_HOME = ''C:\path\to\java-17''; or put a Java 17+ first on PATH'
    }
    # java -version writes to stderr; Windows PowerShell 5.1 would turn those lines into errors.
    $ErrorActionPreference = 'Continue'
    $said = (& $java -version 2>&1 | ForEach-Object { "$_" }) -join "`n"
    if ($said -notmatch 'version "([^"]+)"') {
        throw "kcd-audit: $java did not say its version. $KcdNeedJava"
    }
    $version = $Matches[1]
    $parts = $version -split '[^0-9]+'
    $major = [int]$parts[0]
    if ($major -eq 1) {
        $major = [int]$parts[1]
    }
    if ($major -lt 17) {
        throw "kcd-audit: $java is Java $version. kcd-audit needs Java 17 or later: $whence; or $KcdInstallJava"
    }
    $java
}

# The JVM options before -jar: config\jvm.options, KCD_AUDIT_HEAP, KCD_AUDIT_JAVA_OPTS.
function Get-KcdJvmArguments {
    $list = @('@' + (Join-Path (Get-KcdHome) 'config\jvm.options'))
    # java's own answer to a bad size (three lines, "Invalid initial heap size: -Xmslots") names neither the
    # variable nor a value that works; an install-task.ps1 that wrote it into the task would start no daemon
    if ($env:KCD_AUDIT_HEAP -and $env:KCD_AUDIT_HEAP -notmatch '^[0-9]+[kKmMgGtT]?$') {
        throw ("kcd-audit: KCD_AUDIT_HEAP=$($env:KCD_AUDIT_HEAP) is not a heap size: give a number with k, m or g," +
                " e.g. `$env:KCD_AUDIT_HEAP = '2g'")
    }
    if ($env:KCD_AUDIT_HEAP) {
        $list += "-Xms$($env:KCD_AUDIT_HEAP)"
        $list += "-Xmx$($env:KCD_AUDIT_HEAP)"
    }
    if ($env:KCD_AUDIT_JAVA_OPTS) {
        $list += ($env:KCD_AUDIT_JAVA_OPTS -split '\s+' | Where-Object { $_ })
    }
    $list
}

# One argument as the C runtime of java.exe reads it back (CommandLineToArgvW rules): quoted when it is
# empty or holds white space, a quote, or a * or ? (java.exe expands those against the current folder
# when unquoted); a quote escaped with a backslash, and the backslashes right before a quote or the
# closing quote doubled.
function ConvertTo-KcdCommandLineArgument([string]$Value) {
    if ($Value.Length -gt 0 -and $Value -notmatch '[\s"*?]') {
        return $Value
    }
    $escaped = $Value -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1'
    '"' + $escaped + '"'
}

# Runs java.exe with the arguments written out by ConvertTo-KcdCommandLineArgument, the same on
# PowerShell 5.1 and 7 (whose own passing of quotes to programs differs by version), in this console.
function Invoke-KcdJava([string]$Java, [string[]]$Arguments) {
    $start = New-Object System.Diagnostics.ProcessStartInfo
    $start.FileName = $Java
    $start.Arguments = ($Arguments | ForEach-Object { ConvertTo-KcdCommandLineArgument $_ }) -join ' '
    $start.UseShellExecute = $false
    # PowerShell's cd does not move the process's current directory, where Process.Start would run java.exe
    $start.WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath
    $process = [System.Diagnostics.Process]::Start($start)
    $process.WaitForExit()
    $process.ExitCode
}

if ($MyInvocation.InvocationName -ne '.') {
    try {
        $java = Find-KcdJava
        $jar = Get-KcdJar
    } catch {
        [Console]::Error.WriteLine($_.Exception.Message)
        exit 1
    }
    # An unquoted a,b reaches a script as an array: give it back to kcd-audit as written. An unquoted
    # --config=C:\x.yaml reaches it as two elements, '--config=C:' (PowerShell ends a parameter name at the colon)
    # and '\x.yaml': joined again, so that java.exe sees it as typed and not as a config 'C:' and a stray argument.
    $given = @()
    $joinNext = $false
    foreach ($arg in $args) {
        $text = if ($arg -is [array]) { $arg -join ',' } else { "$arg" }
        if ($joinNext) {
            $given[$given.Count - 1] += $text
            $joinNext = $false
        } else {
            $given += $text
            $joinNext = $text -match '^-.+:$'
        }
    }
    try {
        $jvm = @(Get-KcdJvmArguments)
    } catch {
        [Console]::Error.WriteLine($_.Exception.Message)
        exit 2
    }
    $all = $jvm + @('-jar', $jar) + $given
    exit (Invoke-KcdJava -Java $java -Arguments $all)
}
