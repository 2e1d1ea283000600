@echo off
rem Installerer Dispo for den aktuelle bruger (uden administratorrettigheder):
rem programmet i %LOCALAPPDATA%\Programs\Dispo og en genvej i Start-menuen.
rem Afinstallation:  installer.cmd -Afinstaller
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0installer.ps1" %*
set rc=%errorlevel%
if "%~1"=="" pause
exit /b %rc%
