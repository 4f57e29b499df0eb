@echo off
rem kcd-audit launcher for cmd.exe. Finds Java 17 or later (JAVA_HOME, else java.exe on PATH) and
rem runs lib\kcd-auditor.jar with the JVM options of config\jvm.options and the arguments as given.
rem   set KCD_AUDIT_HEAP=2g          heap for this call, initial and ceiling (default in config\jvm.options)
rem   set KCD_AUDIT_JAVA_OPTS=...    further JVM options, split at white space: a value with a space goes
rem                                  in Java's own JDK_JAVA_OPTIONS, in quotes (docs\install.md, "TLS trust")
rem Inside ( ) a path is expanded only in double quotes: cmd.exe expands %%NAME%% and %%~dp0 before it finds where
rem a ( ) ends, and the ")" of "C:\Program Files (x86)\..." unquoted there would end it.
setlocal EnableExtensions DisableDelayedExpansion

call :findHome
set "KCD_JAR=%KCD_HOME%\lib\kcd-auditor.jar"
if not exist "%KCD_JAR%" if exist "%KCD_HOME%\target\kcd-auditor.jar" set "KCD_JAR=%KCD_HOME%\target\kcd-auditor.jar"
if exist "%KCD_JAR%" goto checkJarPath
echo kcd-audit: "%KCD_HOME%\lib\kcd-auditor.jar" not found (unpack the whole release archive) 1>&2
exit /b 1

:checkJarPath
rem java -jar makes the jar's path the class path, which Java splits at ';': "Could not find or load main class"
if "%KCD_JAR:;=%"=="%KCD_JAR%" goto findJava
echo kcd-audit: "%KCD_HOME%": Java cannot run a program from a folder whose path holds ';' (its class path separator); unpack the release archive into a folder without ';' 1>&2
exit /b 1

:findJava
set "KCD_INSTALL=install a Java 17+ runtime (for example Eclipse Temurin 17 JRE or Microsoft Build of OpenJDK 17)"
set "KCD_NEED=kcd-audit needs Java 17 or later: %KCD_INSTALL% and set JAVA_HOME to its folder or put its bin folder on PATH"
if not defined JAVA_HOME goto javaOnPath
rem set JAVA_HOME="C:\Program Files\..." (with quotes) is common: the quotes are dropped, as mvn.cmd does
set "KCD_JAVA=%JAVA_HOME:"=%\bin\java.exe"
if exist "%KCD_JAVA%" goto checkVersion
echo kcd-audit: JAVA_HOME="%JAVA_HOME:"=%" has no bin\java.exe. %KCD_NEED% 1>&2
exit /b 1

:javaOnPath
set "KCD_JAVA="
for %%J in (java.exe) do set "KCD_JAVA=%%~$PATH:J"
if defined KCD_JAVA goto checkVersion
echo kcd-audit: no java.exe on PATH and JAVA_HOME is not set. %KCD_NEED% 1>&2
exit /b 1

:checkVersion
rem java -version says: openjdk version "17.0.15" 2025-04-15  /  java version "1.8.0_401"
rem %%KCD_JAVA%% is expanded by the cmd /c that runs the command, not while this line is read: a path with
rem parentheses ("C:\Program Files (x86)\...") would otherwise end the ( ) of the for. The outer quotes keep
rem the quoted path intact through cmd /c.
set "KCD_JVER="
for /f "tokens=1-3" %%A in ('""%%KCD_JAVA%%" -version 2>&1"') do if /i "%%B"=="version" if not defined KCD_JVER set "KCD_JVER=%%~C"
if defined KCD_JVER goto parseVersion
echo kcd-audit: "%KCD_JAVA%" did not say its version. %KCD_NEED% 1>&2
exit /b 1

:parseVersion
set "KCD_MAJOR=" & set "KCD_MINOR="
for /f "tokens=1,2 delims=.-_+" %%M in ("%KCD_JVER%") do set "KCD_MAJOR=%%M" & set "KCD_MINOR=%%N"
if "%KCD_MAJOR%"=="1" set "KCD_MAJOR=%KCD_MINOR%"
set "KCD_MAJOR_NUM=0"
set /a KCD_MAJOR_NUM=KCD_MAJOR 2>nul
if %KCD_MAJOR_NUM% GEQ 17 goto run
rem where that java.exe came from: a machine-wide JAVA_HOME (another tool's) wins over a Java 17 on PATH
if not defined JAVA_HOME goto oldJavaOnPath
echo kcd-audit: "%KCD_JAVA%" is Java %KCD_JVER%. kcd-audit needs Java 17 or later: that java.exe is JAVA_HOME's, which is used before PATH. For this window only: set "JAVA_HOME=C:\path\to\java-17" (other windows and programs keep theirs); or set "JAVA_HOME=" to use the java.exe on PATH; or %KCD_INSTALL% 1>&2
exit /b 1

:oldJavaOnPath
echo kcd-audit: "%KCD_JAVA%" is Java %KCD_JVER%. kcd-audit needs Java 17 or later: that java.exe is the first on PATH (JAVA_HOME is not set). For this window only: set "JAVA_HOME=C:\path\to\java-17"; or put a Java 17+ first on PATH; or %KCD_INSTALL% 1>&2
exit /b 1

:run
set "KCD_HEAP="
if not defined KCD_AUDIT_HEAP goto launch
rem java's own answer to a bad size (three lines, "Invalid initial heap size: -Xmslots") names neither the
rem variable nor a value that works: the whole value must be digits with at most one unit letter.
echo(%KCD_AUDIT_HEAP%| "%SystemRoot%\System32\findstr.exe" /r /x /c:"[0-9][0-9]*[kKmMgGtT]" /c:"[0-9][0-9]*" >nul && goto heapOk
echo kcd-audit: KCD_AUDIT_HEAP=%KCD_AUDIT_HEAP% is not a heap size: give a number with k, m or g, e.g. set KCD_AUDIT_HEAP=2g 1>&2
exit /b 2

:heapOk
set "KCD_HEAP=-Xms%KCD_AUDIT_HEAP% -Xmx%KCD_AUDIT_HEAP%"

:launch
rem %%* passes the arguments exactly as typed, quotes included, so paths with spaces stay one argument.
"%KCD_JAVA%" "@%KCD_HOME%\config\jvm.options" %KCD_HEAP% %KCD_AUDIT_JAVA_OPTS% -jar "%KCD_JAR%" %*
exit /b %ERRORLEVEL%

:findHome
rem KCD_HOME, the folder above this file's. Read in a label reached by CALL, where %%0 is the label and %%~dp0 comes
rem from this file's full path: at the top level, a batch file started by a quoted name without a folder ("kcd-audit"
rem typed in quotes, or a tool quoting the command, with bin\ on PATH) has %%~dp0 made from that name and the current
rem folder instead.
for %%I in ("%~dp0..") do set "KCD_HOME=%%~fI"
exit /b 0
